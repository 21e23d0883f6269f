// A little progressive enhancement for discussions; every form works without it.
// Opening "Reply" or "Start a new thread" puts the cursor in the box, and long posts show
// how many characters are left before the limit.
document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (details.open && details.matches(".reply-form, .new-thread")) {
      details.querySelector("textarea")?.focus();
    }
  },
  true,
);

for (const area of document.querySelectorAll(".discussion-page textarea[maxlength]")) {
  const note = document.createElement("p");
  note.className = "hint";
  note.setAttribute("aria-live", "polite");
  const update = () => {
    const left = area.maxLength - area.value.length;
    note.textContent = left < 500 ? `${left} characters left` : "";
  };
  area.after(note);
  area.addEventListener("input", update);
  update();
}
