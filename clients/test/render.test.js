// The prompt as both add-ins' pages show it, in a real DOM implementation (linkedom).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseHTML } from "linkedom";

import { promptFor, renderPrompt } from "../shared/mailwarden.js";
import { CONFIRM_ANSWER, HELD_ANSWER } from "./fixtures.js";

function page() {
  return parseHTML("<!doctype html><html><body><div id=prompt></div></body></html>").document;
}

describe("the prompt on a page", () => {
  it("shows the title, each recipient with what happens, and the explanations", () => {
    const document = page();
    const section = renderPrompt(document, promptFor(HELD_ANSWER));
    document.getElementById("prompt").appendChild(section);

    assert.equal(section.querySelector("h1").textContent, "1 recipient is held for review.");
    const recipients = [...section.querySelectorAll(":scope > ul > li")];
    assert.equal(recipients.length, 2);
    assert.equal(recipients[0].className, "verdict-hold");
    assert.equal(recipients[0].querySelector("strong").textContent, "j.doe@greenfie1d.sch.uk");
    assert.match(recipients[0].textContent, /\(To\) will be held for review/);
    assert.deepEqual(
      [...recipients[0].querySelectorAll("ul li")].map((li) => li.textContent),
      [
        "greenfie1d.sch.uk looks like greenfield.sch.uk, which you write to often.",
        "victims.xlsx holds 212 people's names and dates of birth.",
      ],
    );
    assert.equal(recipients[1].querySelector("ul"), null, "no explanations, no empty list");
  });

  it("renders markup in an explanation as text: names and addresses come from outsiders", () => {
    const hostile = structuredClone(CONFIRM_ANSWER);
    hostile.recipients[1].address = '"><img src=x onerror=alert(1)>@evil.example';
    hostile.recipients[1].reasons[0].explanation = "<script>steal()</script> wrote about <b>Ellie</b>";
    const document = page();
    const section = renderPrompt(document, promptFor(hostile));

    assert.equal(section.querySelectorAll("img, script, b").length, 0);
    assert.match(section.querySelector("li li").textContent, /^<script>steal\(\)<\/script> wrote about <b>Ellie<\/b>$/);
    assert.match(section.innerHTML, /&lt;script&gt;/);
  });
});
