// Reading QR codes at a kiosk, written once for every page that scans (shop, check-in, login):
// a USB scanner is a keyboard ("wedge") that types the payload fast and ends with Enter; a
// camera is read frame by frame with the vendored jsQR decoder (no network, no CDN).

export function attachWedge(input, onCode) {
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const code = input.value.trim();
    input.value = "";
    if (code) onCode(code);
  });
  // Keep the scanner's keystrokes landing in the field when nothing else wants them.
  document.addEventListener("keydown", (event) => {
    const active = document.activeElement;
    const typing = active && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName);
    if (!typing && event.key.length === 1 && !input.disabled && input.offsetParent !== null) {
      input.focus();
    }
  });
}

export async function startCamera(video, onCode) {
  if (!window.jsQR) throw new Error("jsQR decoder not loaded");
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { facingMode: "environment" }, audio: false,
  });
  video.srcObject = stream;
  await video.play();
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let running = true;
  let last = "";
  const tick = () => {
    if (!running) return;
    if (video.readyState >= 2 && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      context.drawImage(video, 0, 0);
      const image = context.getImageData(0, 0, canvas.width, canvas.height);
      const found = window.jsQR(image.data, image.width, image.height, {
        inversionAttempts: "dontInvert",
      });
      if (found && found.data && found.data !== last) {
        last = found.data;
        onCode(found.data);
      }
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return () => {
    running = false;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
}

// The camera button every scanning page has: starts the camera, stops it on a second press.
export function attachCameraButton(button, video, onCode, onError, labels) {
  let stop = null;
  button.addEventListener("click", async () => {
    if (stop) {
      stop();
      stop = null;
      video.hidden = true;
      button.textContent = labels.start;
      return;
    }
    try {
      video.hidden = false;
      stop = await startCamera(video, onCode);
      button.textContent = labels.stop;
    } catch (error) {
      video.hidden = true;
      onError(error);
    }
  });
}
