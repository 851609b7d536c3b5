import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";

export interface MachineFacts {
  date: string;
  nproc: string;
  cpuModel: string;
  memory: string;
  loadAvg: string;
  node: string;
  gitCommit: string;
}

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** The facts a reader needs to compare runs: cores, CPU, memory, Node, the commit measured, the date. */
export function machineFacts(): MachineFacts {
  let cpuModel = "unknown";
  let memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
  try {
    const cpu = fs.readFileSync("/proc/cpuinfo", "utf8");
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpu)?.[1]?.trim() ?? cpuModel;
    const mem = fs.readFileSync("/proc/meminfo", "utf8");
    const kb = Number(/^MemTotal:\s*(\d+) kB$/m.exec(mem)?.[1]);
    if (kb) memory = `${(kb / 2 ** 20).toFixed(1)} GiB (MemTotal ${kb} kB)`;
  } catch {}
  const dirty = tryRun("git", ["status", "--porcelain", "--untracked-files=no", "--", "server", "contracts"]) !== "";
  return {
    date: new Date().toISOString(),
    nproc: tryRun("nproc", []),
    cpuModel,
    memory,
    loadAvg: os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" "),
    node: process.version,
    gitCommit: `${tryRun("git", ["rev-parse", "--short", "HEAD"])}${dirty ? " + uncommitted server changes" : ""}`,
  };
}
