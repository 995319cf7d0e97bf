"""Run axe-core in a page and return the violations that matter."""

from pathlib import Path

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    """Serious and critical WCAG 2.1 A/AA violations, one line each (rule: targets)."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern; a
    # <script> tag would rightly be refused by the portal's policy.
    page.evaluate(AXE)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })"""
    )
    return [
        f"{violation['id']}: {[node['target'] for node in violation['nodes']][:5]}"
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
    ]
