// The chapters of the course (issue 8): the order of /work/shared/course-notes.zh.md, the
// Chinese course tcplab grew from, plus one chapter for what the notes leave out. A lesson
// names its place with `chapter = "M.N"` (chapter M, N-th lesson in it); `tcplab list` and
// the GUI's Open picker group the lessons under these titles. GL-free.
#pragma once
#include <span>
#include <string>

#include "sim/view/ui_strings.h"

namespace tcplab {

struct CourseChapter {
  int number;  // 1, 2 …: the M of "M.N"
  const char* title;
  const char* title_zh;
};

// Every chapter, in course order.
std::span<const CourseChapter> course_chapters();

// The chapter with this number, or nullptr (a scenario may name a chapter the course has
// not got; it is listed under its number).
const CourseChapter* course_chapter(int number);

// The heading of a group of lessons: "7 TCP" / "7 TCP"; "Chapter 9" / "第 9 章" for a
// number that is not a course chapter; "Other" / "其他" for 0 (scenarios without chapter).
std::string chapter_heading(int number, Lang lang);

}  // namespace tcplab
