// The chain-check page's own words, Chinese first.
export const TEXT = {
  "zh-CN": {
    "c.title": "账本链头核验", "c.printed": "存折上印的", "c.link": "第", "c.hash": "笔，哈希",
    "c.now": "账本里现在的", "c.head": "账本现在共有", "c.entries": "笔",
    "c.explain": "哈希一致，说明存折打印之后，这一笔以及它之前的账都没有被改动。村委会可以用 jifen ledger verify 重新计算整条哈希链。",
    "c.same": "✔ 一致：账本没有被改动。", "c.different": "✘ 不一致：请告诉村委会，账本可能被改动过。",
    "c.missing": "✘ 账本里没有这一笔：请告诉村委会。",
  },
  en: {
    "c.title": "Check the ledger's chain head", "c.printed": "Printed on the passbook",
    "c.link": "link", "c.hash": ", hash", "c.now": "In the ledger now",
    "c.head": "The ledger now has", "c.entries": "entries",
    "c.explain": "The same hash means nothing at or before this entry changed since the passbook was printed. The committee can recompute the whole chain with jifen ledger verify.",
    "c.same": "✔ The same: the ledger was not changed.",
    "c.different": "✘ Different: tell the committee, the ledger may have been changed.",
    "c.missing": "✘ The ledger has no such entry: tell the committee.",
  },
};
