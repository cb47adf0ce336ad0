// Kassan: verify a customer's code. Built for speed at the counter: a keyboard-wedge scanner
// types the code and presses Enter, and the field is cleared and refocused for the next customer.

import { gql } from '../api.js';
import { REDEEM_CODE } from '../operations.js';
import { announcer, errorText } from '../ui.js';
import { cameraScanSupported, startCameraScan } from '../scanner.js';

// Outcome per error code: the data-outcome value (used by tests and styling) and the text shown.
const REFUSALS = {
  CONFLICT: ['already-used', 'Koden är redan inlöst.'],
  FORBIDDEN: ['other-partner', 'Koden hör till en annan partners erbjudande.'],
  NOT_FOUND: ['unknown', 'Okänd kod. Kontrollera att den är rätt inskriven.'],
};

let view;
let form;
let input;
let submit;
let resultRegion;
let result;
let scanButton;
let video;
let stopCamera = null;

export function init() {
  view = document.getElementById('view-till');
  form = document.getElementById('till');
  input = document.getElementById('code');
  submit = form.querySelector('button[type="submit"]');
  resultRegion = document.getElementById('till-result');
  result = announcer(resultRegion);
  scanButton = document.getElementById('scan-camera');
  video = document.getElementById('scan-video');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    redeem(input.value);
  });
  if (cameraScanSupported()) {
    scanButton.hidden = false;
    scanButton.addEventListener('click', toggleCamera);
  }
}

/** The code field, not the heading, gets focus: the scanner must be able to type at once. */
export function show() {
  return input;
}

export function hide() {
  closeCamera();
}

export function reset() {
  closeCamera();
  input.value = '';
  result.clear();
  delete resultRegion.dataset.outcome;
}

function report(outcome, text) {
  resultRegion.dataset.outcome = outcome;
  result.say(text, outcome === 'redeemed' ? 'success' : 'error');
}

async function redeem(raw) {
  const code = raw.trim();
  if (!code) {
    report('error', 'Skriv in eller skanna en kod.');
    input.focus();
    return;
  }
  submit.disabled = true;
  // readOnly rather than disabled: a disabled field would lose focus and the scanner's next keystrokes.
  input.readOnly = true;
  try {
    const { redeemCode } = await gql(REDEEM_CODE, { code });
    report('redeemed', `Inlöst: ${redeemCode.offer?.title ?? ''}`);
  } catch (err) {
    const refusal = REFUSALS[err.code];
    if (refusal) report(...refusal);
    else if (err.code === 'NETWORK' || err.code === 'RATE_LIMITED') report('error', errorText(err));
    else report('error', 'Koden kunde inte lösas in just nu. Försök igen.');
  } finally {
    submit.disabled = false;
    input.readOnly = false;
    input.value = '';
    if (!view.hidden) input.focus();
  }
}

async function toggleCamera() {
  if (stopCamera) {
    closeCamera();
    return;
  }
  scanButton.disabled = true;
  try {
    video.hidden = false;
    stopCamera = await startCameraScan(video, (code) => {
      closeCamera();
      input.value = code;
      redeem(code);
    });
    scanButton.textContent = 'Stoppa kameran';
  } catch {
    video.hidden = true;
    result.say('Kameran kunde inte startas. Skriv in koden i stället.', 'error');
  } finally {
    scanButton.disabled = false;
  }
}

function closeCamera() {
  stopCamera?.();
  stopCamera = null;
  video.hidden = true;
  scanButton.textContent = 'Skanna med kameran';
}
