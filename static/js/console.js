// Console: a "tick every row" box over the list's tick column. The page works without it.
document.addEventListener("DOMContentLoaded", () => {
  for (const master of document.querySelectorAll("[data-select-all]")) {
    const form = master.closest("form");
    if (!form) continue;
    const boxes = () => form.querySelectorAll('input[type="checkbox"][name="ids"]');
    master.hidden = false;
    master.addEventListener("change", () => {
      for (const box of boxes()) box.checked = master.checked;
    });
    form.addEventListener("change", (event) => {
      if (event.target.name !== "ids") return;
      const all = [...boxes()];
      master.checked = all.length > 0 && all.every((box) => box.checked);
    });
  }
});
