/** A one-line terminal progress bar (no dependency): `[#####.....]  50% label`. */
export class ProgressBar {
  private done = 0;
  private readonly width = 30;

  constructor(private readonly total: number) {}

  tick(label: string, steps = 1): void {
    this.done = Math.min(this.total, this.done + steps);
    const share = this.done / this.total;
    const filled = Math.round(share * this.width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}]`;
    const percent = `${Math.round(share * 100)}`.padStart(3);
    // \r and clear-to-end rewrite the line in place; a pipe just gets one line per step.
    const line = `${bar} ${percent}% ${label}`;
    process.stdout.write(process.stdout.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }

  finish(): void {
    if (process.stdout.isTTY) process.stdout.write('\n');
  }
}
