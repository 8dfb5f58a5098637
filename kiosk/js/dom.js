// The pages' few DOM helpers, written once: every page and the console import them from here.
// No framework: `$` finds an element by id, `el` builds one, `villagePath` is the API root of
// one village (a page adds its own tail: `${villagePath(v)}/shops/${shop}`).

export const $ = (id) => document.getElementById(id);

// el("td", { textContent: "3", className: "n" }, child…): props are assigned, null children
// are skipped, so a caller can write `cond ? node : null`.
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function villagePath(village) {
  return `/api/v1/villages/${village}`;
}
