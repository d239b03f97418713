"""Accessibility checks in the browser: axe-core (vendored, tests/browser/vendor) and layout measurements."""

from .conftest import AXE
from .waits import wait_until

_source = None


def serious_violations(page) -> list[str]:
    """axe-core's violations of impact "serious" or "critical" on the page as it is now, one line each.

    axe is evaluated through the DevTools protocol, which the page's Content Security Policy does not
    govern: the page is checked exactly as the app serves it."""
    global _source
    # Colours are measured as they end, not halfway through a transition: htmx settles a swapped element's
    # attributes after the swap (a button whose class changed fades to its new colours for 0.15 s), and axe
    # measured the half-faded button as unreadable. Endless animations (a spinner) are not waited for.
    wait_until(
        page,
        "!document.querySelector('.htmx-swapping, .htmx-settling') && document.getAnimations().every("
        "a => a.playState !== 'running' || a.effect.getComputedTiming().iterations === Infinity)",
    )
    if _source is None:
        _source = AXE.read_text(encoding="utf-8")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen it was opened on (0: nothing scrolls sideways).
    Measured against the context's viewport: a phone browser widens its layout to fit wide content."""
    return page.evaluate("() => document.documentElement.scrollWidth") - page.viewport_size["width"]


def enlarge_text(page, percent: int = 200) -> None:
    """Text enlarged as a reader's browser setting does it: the root font size, which rem units follow,
    set to `percent` of what the page had. Through the CSSOM, which the page's CSP allows (an injected
    <style> would need the CSP switched off)."""
    page.evaluate(
        """(percent) => {
            const root = document.documentElement;
            const size = parseFloat(getComputedStyle(root).fontSize);
            root.style.setProperty("font-size", (size * percent / 100) + "px", "important");
        }""",
        percent,
    )
