#!/usr/bin/env python3
"""dom_text.py — reads a page's DOM (chromium --dump-dom) on stdin and prints
what a person would see, one line per element that has an id:
    <id>\t<its text, whitespace collapsed>
with "hidden" instead of the text for elements inside a .hidden ancestor
(the UI hides sections with that class), and for table rows carrying a
data-query-id:  row:<query id>\t<cell texts joined by " | ">."""
import html.parser
import re
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []   # [tag, id, hidden, texts, cells, row_id]
        self.out = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = (self.stack and self.stack[-1][2]) or "hidden" in (attrs.get("class") or "").split()
        if tag in ("script", "style", "head", "title"):
            hidden = True
        frame = [tag, attrs.get("id"), hidden, [], [], attrs.get("data-query-id")]
        if tag in VOID:
            return
        self.stack.append(frame)

    def handle_endtag(self, tag):
        while self.stack:
            frame = self.stack.pop()
            text = re.sub(r"\s+", " ", "".join(frame[3])).strip()
            if self.stack:
                self.stack[-1][3].append(" " + "".join(frame[3]) + " ")
                if frame[0] in ("td", "th"):
                    for f in reversed(self.stack):
                        if f[0] == "tr":
                            f[4].append(text)
                            break
            if frame[1]:
                self.out.append(f"{frame[1]}\t{'hidden' if frame[2] else text}")
            if frame[0] == "tr" and frame[5]:
                self.out.append(f"row:{frame[5]}\t{' | '.join(frame[4])}")
            if frame[0] == tag:
                break

    def handle_data(self, data):
        if self.stack:
            self.stack[-1][3].append(data)


page = Page()
page.feed(sys.stdin.read())
print("\n".join(page.out))
