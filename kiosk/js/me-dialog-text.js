// Words of the villager page's in-page dialogs (zh-CN first, English second).
export const ME_DIALOG_TEXT = {
  "zh-CN": { "m.dlg.cancel": "取消", "m.dlg.ok": "知道了", "m.dlg.problem": "没有办成" },
  en: { "m.dlg.cancel": "Cancel", "m.dlg.ok": "OK", "m.dlg.problem": "Not done" },
};
