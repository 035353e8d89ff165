// A video of a tour where Playwright's own recorder cannot run (it needs an ffmpeg this machine
// does not download): Chromium's screencast frames over the DevTools protocol, replayed onto a
// canvas at their own timing in a second page, and encoded there by MediaRecorder as WebM.
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';

interface Frame {
  jpeg: string;
  /** Seconds, from the screencast's metadata. */
  at: number;
}

/** Runs `tour` while recording the page; writes `path` (WebM). Returns false where the browser cannot encode. */
export async function recordTour(page: Page, path: string, tour: () => Promise<void>): Promise<boolean> {
  const cdp = await page.context().newCDPSession(page);
  const frames: Frame[] = [];
  cdp.on('Page.screencastFrame', (frame) => {
    frames.push({ jpeg: frame.data, at: frame.metadata.timestamp ?? frames.length / 10 });
    void cdp.send('Page.screencastFrameAck', { sessionId: frame.sessionId }).catch(() => undefined);
  });
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  await cdp.send('Page.startScreencast', { format: 'jpeg', quality: 70, maxWidth: viewport.width, maxHeight: viewport.height });
  try {
    await tour();
  } finally {
    await cdp.send('Page.stopScreencast').catch(() => undefined);
    await cdp.detach().catch(() => undefined);
  }
  if (frames.length < 2) return false;
  // One frame per call: a whole tour in one message is more than a page takes.
  const encoder = await page.context().newPage();
  try {
    if (!(await encoder.evaluate(startRecorder, viewport))) return false;
    for (let i = 0; i < frames.length; i++) {
      const lasted = i + 1 < frames.length ? frames[i + 1]!.at - frames[i]!.at : 1;
      await encoder.evaluate(paintFrame, { jpeg: frames[i]!.jpeg, ms: Math.min(2000, Math.max(33, lasted * 1000)) });
    }
    writeFileSync(path, Buffer.from(await encoder.evaluate(stopRecorder), 'base64'));
    return true;
  } finally {
    await encoder.close();
  }
}

interface EncoderWindow {
  recorder: MediaRecorder;
  chunks: Blob[];
  context: CanvasRenderingContext2D;
  size: { width: number; height: number };
}

/** In the encoder page: a canvas recorded by MediaRecorder as WebM (false: no WebM encoder). */
function startRecorder(size: { width: number; height: number }): boolean {
  const mimeType = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((type) => typeof MediaRecorder !== 'undefined' && MediaRecorder.isTypeSupported(type));
  if (!mimeType) return false;
  const w = window as unknown as EncoderWindow;
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  document.body.append(canvas);
  w.size = size;
  w.context = canvas.getContext('2d')!;
  w.chunks = [];
  w.recorder = new MediaRecorder(canvas.captureStream(30), { mimeType });
  w.recorder.ondataavailable = (event) => w.chunks.push(event.data);
  w.recorder.start(1000);
  return true;
}

/** Paints one frame and holds it for as long as it lasted on screen. */
async function paintFrame({ jpeg, ms }: { jpeg: string; ms: number }): Promise<void> {
  const w = window as unknown as EncoderWindow;
  const bytes = Uint8Array.from(atob(jpeg), (c) => c.charCodeAt(0));
  const image = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
  w.context.drawImage(image, 0, 0, w.size.width, w.size.height);
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Ends the recording: the WebM file, base64. */
async function stopRecorder(): Promise<string> {
  const w = window as unknown as EncoderWindow;
  const stopped = new Promise((resolve) => (w.recorder.onstop = resolve));
  w.recorder.stop();
  await stopped;
  const blob = new Blob(w.chunks, { type: w.recorder.mimeType });
  // The file must play: a video element reads its size back.
  const video = document.createElement('video');
  video.src = URL.createObjectURL(blob);
  await new Promise((resolve, reject) => {
    video.onloadedmetadata = resolve;
    video.onerror = () => reject(new Error('the recorded WebM does not play'));
  });
  if (video.videoWidth !== w.size.width) throw new Error(`the recorded WebM is ${video.videoWidth} px wide, not ${w.size.width}`);
  const buffer = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < buffer.length; i += 0x8000) binary += String.fromCharCode(...buffer.subarray(i, i + 0x8000));
  return btoa(binary);
}
