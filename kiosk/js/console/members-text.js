// The words of a household's members and its 关怀户 reason (农户与积分卡), Chinese first;
// merged into the console's by members.js.
export const MEMBERS_TEXT = {
  "zh-CN": {
    "c.hh.members": "家庭成员", "c.mem.add": "添加成员", "c.mem.edit": "修改成员",
    "c.mem.name": "姓名", "c.mem.relation": "与户主关系", "c.mem.status": "状态",
    "c.mem.active": "在册", "c.mem.moved": "已迁出", "c.mem.deceased": "已去世",
    "c.mem.none": "还没有登记家庭成员。", "c.mem.editIt": "修改", "c.mem.close": "收起",
    "c.mem.of": "{number} {head} 的家庭成员",
    "c.hh.hardshipReason": "关怀户理由（标为关怀户时必填，只有村委能看到）",
    "c.hh.hardshipWhy": "关怀户：{reason}",
    "c.field.hardship_reason": "关怀户理由", "c.field.relation": "与户主关系",
    "c.field.status": "状态",
  },
  en: {
    "c.hh.members": "Members", "c.mem.add": "Add member", "c.mem.edit": "Edit member",
    "c.mem.name": "Name", "c.mem.relation": "Relation to the head", "c.mem.status": "Status",
    "c.mem.active": "lives here", "c.mem.moved": "moved away", "c.mem.deceased": "deceased",
    "c.mem.none": "No members recorded yet.", "c.mem.editIt": "Edit", "c.mem.close": "Close",
    "c.mem.of": "Members of {number} {head}",
    "c.hh.hardshipReason": "Why in hardship (required when marked; seen by the committee only)",
    "c.hh.hardshipWhy": "hardship: {reason}",
    "c.field.hardship_reason": "reason for hardship", "c.field.relation": "relation",
    "c.field.status": "status",
  },
};
