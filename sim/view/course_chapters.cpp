// course_chapters.h: the chapter titles in English and 简体中文.
#include "sim/view/course_chapters.h"

namespace tcplab {
namespace {

constexpr CourseChapter kChapters[] = {
    {1, "Networks: LAN and WAN", "网络通信概述"},
    {2, "IP addresses", "IP 地址"},
    {3, "Linux commands: ifconfig, ping, route", "Linux 命令：ifconfig、ping、route"},
    {4, "Ports", "端口"},
    {5, "Sockets", "socket 简介"},
    {6, "UDP", "UDP"},
    {7, "TCP", "TCP"},
    {8, "Beyond the notes: loss, timers, congestion", "延伸：丢包、定时器与拥塞控制"},
};

}  // namespace

std::span<const CourseChapter> course_chapters() { return kChapters; }

const CourseChapter* course_chapter(int number) {
  for (const CourseChapter& c : kChapters) {
    if (c.number == number) return &c;
  }
  return nullptr;
}

std::string chapter_heading(int number, Lang lang) {
  if (number <= 0) return lang == Lang::Zh ? "其他" : "Other";
  if (const CourseChapter* c = course_chapter(number)) {
    return std::to_string(number) + " " + (lang == Lang::Zh ? c->title_zh : c->title);
  }
  return lang == Lang::Zh ? "第 " + std::to_string(number) + " 章" : "Chapter " + std::to_string(number);
}

}  // namespace tcplab
