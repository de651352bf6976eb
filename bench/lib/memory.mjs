/**
 * Samples the memory of a running Chromium: the summed RSS and PSS (from /proc) of the browser
 * process and all its descendants (renderers, GPU, utility processes), and the JS heap through the
 * Chrome DevTools Protocol (Performance.getMetrics JSHeapUsedSize for the page, Runtime.getHeapUsage
 * for each worker). PSS splits shared pages between
 * processes, so its sum does not count shared libraries once per process as the RSS sum does.
 */
import { readdirSync, readFileSync } from 'node:fs';

function children() {
  const byParent = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!byParent.has(ppid)) byParent.set(ppid, []);
      byParent.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we listed it
    }
  }
  return byParent;
}

export function processTree(rootPid) {
  const byParent = children();
  const pids = [];
  const queue = [rootPid];
  while (queue.length) {
    const pid = queue.shift();
    pids.push(pid);
    queue.push(...(byParent.get(pid) ?? []));
  }
  return pids;
}

function kib(text, field) {
  const m = text.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) : 0;
}

function processType(pid) {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  return cmdline.match(/--type=([a-z-]+)/)?.[1] ?? (cmdline.includes('crashpad') ? 'crashpad' : 'browser');
}

/** Summed RSS and PSS (MiB) of the tree, and PSS by Chromium process type (renderer, gpu-process...). */
export function treeMemory(rootPid) {
  let rss = 0;
  let pss = 0;
  const pssByType = {};
  for (const pid of processTree(rootPid)) {
    try {
      const processPss = kib(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
      rss += kib(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS');
      pss += processPss;
      const type = processType(pid);
      pssByType[type] = (pssByType[type] ?? 0) + processPss / 1024;
    } catch {
      // gone
    }
  }
  return { rssMiB: rss / 1024, pssMiB: pss / 1024, pssByType };
}

/**
 * JS heap of every dedicated worker, through a browser-level CDP session (Playwright gives page-level
 * sessions only). ORT's pthread workers sit in Atomics.wait and never answer: they are skipped after
 * one timeout (their memory is the shared WASM memory, counted in RSS/PSS anyway).
 */
async function workerHeaps(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const replies = new Map();
  const silent = new Set();
  let nextId = 1;
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const message = JSON.parse(e.message);
    replies.get(message.id)?.(message);
  });
  const ask = (sessionId, method) =>
    new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => resolve(null), 300);
      replies.set(id, (m) => (clearTimeout(timer), resolve(m)));
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
    });
  return {
    async usedBytes() {
      const { targetInfos } = await cdp.send('Target.getTargets');
      let used = 0;
      for (const target of targetInfos.filter((t) => t.type === 'worker' && !silent.has(t.targetId))) {
        const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
        const reply = await ask(sessionId, 'Runtime.getHeapUsage');
        if (reply?.result) used += reply.result.usedSize;
        else silent.add(target.targetId);
        await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      }
      return used;
    },
    detach: () => cdp.detach().catch(() => undefined),
  };
}

/**
 * Starts sampling: /proc every 250 ms (synchronous, never delayed by a busy page), JS heaps every
 * second. `stop()` returns the peaks and the time series (MiB).
 */
export async function sampleMemory(browser, page, rootPid) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const workers = await workerHeaps(browser);
  const series = [];
  const peak = { rssMiB: 0, pssMiB: 0, pageHeapMiB: 0, workerHeapMiB: 0, pssByTypeAtPeak: {} };
  const started = Date.now();
  const sampleProcesses = () => {
    const sample = { t: (Date.now() - started) / 1000, ...treeMemory(rootPid) };
    series.push(sample);
    peak.rssMiB = Math.max(peak.rssMiB, sample.rssMiB);
    if (sample.pssMiB > peak.pssMiB) peak.pssByTypeAtPeak = sample.pssByType;
    peak.pssMiB = Math.max(peak.pssMiB, sample.pssMiB);
  };
  let running = true;
  const sampleHeaps = async () => {
    while (running) {
      try {
        const { metrics } = await cdp.send('Performance.getMetrics');
        peak.pageHeapMiB = Math.max(peak.pageHeapMiB, (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 2 ** 20);
        peak.workerHeapMiB = Math.max(peak.workerHeapMiB, (await workers.usedBytes()) / 2 ** 20);
      } catch {
        // a target went away between listing and asking
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  sampleProcesses();
  const timer = setInterval(sampleProcesses, 250);
  const heaps = sampleHeaps();
  return {
    async stop() {
      clearInterval(timer);
      sampleProcesses();
      running = false;
      await heaps;
      await workers.detach();
      await cdp.detach().catch(() => undefined);
      return { peak, series };
    },
  };
}

/** Chromium processes started by this node process (Playwright spawns the browser directly). */
export function ownChromiumPids() {
  return (children().get(process.pid) ?? []).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chrom');
    } catch {
      return false;
    }
  });
}
