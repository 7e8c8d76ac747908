/* Linked into tcplab in the sanitized build only (CMakeLists.txt, TCPLAB_SANITIZE).
 *
 * At exit GLFW and the GL dispatcher dlclose() the system's GL libraries (libglapi, Mesa's
 * swrast_dri.so and what they pull in). LeakSanitizer checks for leaks after that, when their
 * code and globals are unmapped: what they still hold then looks leaked, and the report can
 * only say "<unknown module>" — which no suppression can match with GCC 12's runtime. With
 * dlclose() a no-op they stay mapped until the process ends, as in any run that does not
 * unload them: LSan sees their globals (so what they hold is reachable, not leaked) and can
 * name them in a report (so tests/sanitizer/lsan.supp can suppress by library). The
 * executable's definition takes the place of libc's for every library (exported below). */
int dlclose(void *handle);

int dlclose(void *handle) {
  (void)handle;
  return 0;
}
