// The lines of a red/black board or leaderboard, written once for every page that shows one:
// the server's competition rank on each line (tied households read the same rank, 1, 2, 2, 4 —
// never a running count), the name, the points; and what a short black board means.
import { extend, t, tf } from "./i18n.js";
import { TEXT } from "./board-text.js";

extend(TEXT);

// `entries` as the API gives them (logged in: head_name; public: a masked name); `mine` marks
// the villager's own household; `number` adds the household number (staff and villagers only).
export function rankLines(entries, { mine = null, number = false } = {}) {
  return entries.map((entry) => {
    const li = document.createElement("li");
    li.dataset.rank = entry.rank;
    const parts = [["rank", tf("b.rank", { n: entry.rank })],
      ["name", entry.head_name ?? entry.name],
      ...(number && entry.number ? [["number", entry.number]] : []),
      ["pts", tf("b.points", { n: entry.earned })]];
    for (const [className, text] of parts) {
      const span = document.createElement("span");
      span.className = className;
      span.textContent = text;
      li.append(span);
    }
    if (mine !== null && entry.household_id === mine) li.classList.add("mine");
    return li;
  });
}

// Why the black board is as long as it is: fewer households qualify than N, or it is withdrawn
// from public view; how many hardship households were left off only on the committee's preview
// (the server sends that number to no one else, so hardship cannot be inferred).
export function blackNotes(board) {
  const notes = [];
  if (board.black_withdrawn) return [t("b.withdrawn")];
  if (board.black.length === 0) {
    notes.push(t("b.empty"));
  } else if (board.black.length < board.size) {
    notes.push(tf("b.short", { size: board.size, n: board.black.length }));
  }
  if (board.hardship_left_off) notes.push(tf("b.hardship", { n: board.hardship_left_off }));
  return notes;
}
