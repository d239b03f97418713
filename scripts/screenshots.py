"""Saves a screenshot of each main page into docs/screenshots/ (`make screenshots`).

Starts nothing itself: give it the address of a running server with the demo data
(`make screenshots` starts one on a private port).
"""

import subprocess
import sys
from pathlib import Path

from chromium import launch  # scripts/chromium.py, beside this file
from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
OPEN_MEETING = ROOT / "scripts" / "screens_open_meeting.py"
PASSWORD = "chibo-demo-2026"

# (file name, login, path or a function of the page that navigates, phone?)
SHOTS = [
    ("login", None, "/accounts/login/", True),
    ("tree-reviewer", "vanphong.duk", "/orgs/", False),
    ("cell-meetings-phone", "dangvien.dien", "/", True),
    ("meeting-agenda-secretary", "bithu.dien", "next-meeting", False),
    ("meeting-published-phone", "dangvien.dien", "article-meeting", True),
    ("cell-members-secretary", "bithu.dien", "cell-page", False),
    ("dashboard-reviewer", "vanphong.duk", "dashboard", False),
    ("minutes-secretary", "bithu.dien", "minutes", False),
    ("notifications-secretary", "bithu.dien", "/notifications/", True),
    ("search-phone", "dangvien.dien", "/search/?q=dang+phi", True),
    ("minutes-books-secretary", "bithu.dien", "books", False),
    # Last: it opens the next meeting (scripts/screens_open_meeting.py), which changes the pages above.
    ("live-phone", "dangvien.dien", "live", True),
]


def _goto(page, target):
    if target.startswith("/"):
        page.goto(BASE + target)
        return
    page.goto(BASE + "/")
    if target == "cell-page":
        page.get_by_role("link", name="Chi bộ của tôi").first.click()
    elif target == "live":
        subprocess.run([sys.executable, str(OPEN_MEETING)], check=True, cwd=ROOT)
        page.goto(BASE + "/")
        page.get_by_role("link", name="Vào buổi sinh hoạt").click()
        page.fill("textarea", "Đề nghị chi ủy phân công đảng viên kèm cặp quần chúng ưu tú trong sinh viên.")
    elif target == "books":
        page.get_by_role("link", name="Chi bộ của tôi").first.click()
        page.get_by_role("link", name="Sổ biên bản").first.click()
    elif target == "next-meeting":
        page.get_by_role("link", name="Chương trình và tài liệu").click()
    elif target == "article-meeting":
        page.get_by_role("link", name="Sinh hoạt thường kỳ tháng 11/2026").click()
    elif target == "dashboard":
        page.get_by_role("link", name="Bảng theo dõi chất lượng").first.click()
        page.goto(page.url + "?period=2026-11")
    elif target == "minutes":
        page.get_by_role("link", name="Sinh hoạt thường kỳ tháng 11/2026").click()
        page.get_by_role("link", name="Biên bản").first.click()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        for name, login, target, phone in SHOTS:
            viewport = {"width": 360, "height": 740} if phone else {"width": 1280, "height": 900}
            context = browser.new_context(viewport=viewport, locale="vi-VN", device_scale_factor=1)
            page = context.new_page()
            if login:
                page.goto(BASE + "/accounts/login/")
                page.fill("#id_username", login)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit]")
            _goto(page, target)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            print(f"docs/screenshots/{name}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
