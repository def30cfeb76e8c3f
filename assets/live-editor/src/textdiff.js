// Words typed into the plain text box before the live editor took over must reach the shared
// text. What the person did is the change from the text the server rendered (the box's
// defaultValue) to what the box holds; meanwhile others may have changed the shared text.
// These two functions find each change and move the person's onto the shared text.

function isHighSurrogate(code) {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code) {
  return code >= 0xdc00 && code <= 0xdfff;
}

// The one change {at, remove, insert} that turns `before` into `after`: everything between
// their common beginning and their common end. Never splits a character made of two UTF-16
// units (an emoji), which would leave half of it in the text.
export function change(before, after) {
  const most = Math.min(before.length, after.length);
  let start = 0;
  while (start < most && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && start < most && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let end = 0;
  while (
    end < most - start &&
    before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)
  ) {
    end++;
  }
  if (end > 0 && end < most - start && isLowSurrogate(before.charCodeAt(before.length - end))) end--;
  return { at: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

// The person's change `ours` (made on the rendered text) as changes to the shared text, which
// differs from the rendered text by `theirs`. Where the two do not touch, ours moves by what
// theirs added or removed before it. Where they overlap, ours removes only what theirs left
// alone, and its words go where ours began (or just after theirs, if ours began inside it).
// Returned last first, so each can be applied without moving the next.
export function rebase(ours, theirs) {
  const ourEnd = ours.at + ours.remove;
  const theirEnd = theirs.at + theirs.remove;
  const shift = theirs.insert.length - theirs.remove;
  if (theirs.remove === 0 && theirs.insert === "") return [ours];
  if (ourEnd <= theirs.at) return [ours];
  if (ours.at >= theirEnd) {
    return [{ at: ours.at + shift, remove: ours.remove, insert: ours.insert }];
  }
  const changes = [];
  if (ourEnd > theirEnd) {
    changes.push({ at: theirEnd + shift, remove: ourEnd - theirEnd, insert: "" });
  }
  if (ours.at < theirs.at) {
    changes.push({ at: ours.at, remove: Math.min(ourEnd, theirs.at) - ours.at, insert: ours.insert });
  } else {
    changes.push({ at: theirs.at + theirs.insert.length, remove: 0, insert: ours.insert });
  }
  return changes.filter((piece) => piece.remove > 0 || piece.insert !== "");
}
