// The rule-book editor's words (zh-CN first, English second); the role words come from
// users-text.js (role.committee, role.grid_officer).
export const RULES_TEXT = {
  "zh-CN": {
    "c.rule.noteNeeded": "请写修订说明：这一版为什么改（例如“村民代表大会通过”）。",
    "c.rule.unchanged": "细则与当前第 {version} 版完全相同，没有生成新版本。",
    "c.rule.saved": "已保存为第 {version} 版。",
    "c.rule.noProposer": "第 {n} 行至少要选一个可提议的角色。",
  },
  en: {
    "c.rule.noteNeeded": "Write what changed: why this version (e.g. \"passed by the villagers' assembly\").",
    "c.rule.unchanged": "The rules are the same as the current version {version}: no new version was made.",
    "c.rule.saved": "Saved as version {version}.",
    "c.rule.noProposer": "Line {n}: choose at least one role that may propose it.",
  },
};
