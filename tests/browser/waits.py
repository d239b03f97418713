"""Waiting for something the page's own script does, under the app's Content Security Policy.

Playwright's `wait_for_function` checks its expression once from outside the page and, when that first
check is false, goes on checking it with `eval` inside the page, which the app's `script-src 'self'`
forbids: the wait then fails only when it has to wait, which is exactly when a slower machine runs it.
`page.evaluate` runs from outside (DevTools) every time, so the check below holds on any machine.
"""

import time


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Evaluate `expression` in the page every 50 ms until it is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} s in the page: {expression}")
        page.wait_for_timeout(50)
