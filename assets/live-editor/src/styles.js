// CodeMirror writes its styles with style-mod, which puts them in a <style> element, and the
// site's Content Security Policy (style-src 'self') refuses that element's rules. style-mod
// uses a constructed stylesheet (adoptedStyleSheets, which the policy allows) only for a
// shadow root: so it is handed the document dressed as one. Browsers without constructed
// stylesheets keep the <style> element (refused: the editor works, plainer).
import { StyleModule } from "style-mod";

const hosts = new WeakMap();

function asShadowRoot(doc) {
  if (!hosts.has(doc)) {
    hosts.set(doc, {
      ownerDocument: doc,
      get adoptedStyleSheets() {
        return doc.adoptedStyleSheets;
      },
      set adoptedStyleSheets(sheets) {
        doc.adoptedStyleSheets = sheets;
      },
    });
  }
  return hosts.get(doc);
}

export function keepStylesWithinPolicy() {
  const mount = StyleModule.mount;
  StyleModule.mount = (root, modules, options) => {
    const adopts = root && root.nodeType === 9 && "adoptedStyleSheets" in root && typeof CSSStyleSheet === "function";
    return mount.call(StyleModule, adopts ? asShadowRoot(root) : root, modules, options);
  };
}
