/** One self-overwriting progress line on a TTY; plain lines (at most every 2 s) otherwise. */
export class ProgressLine {
  private lastPlain = 0;
  private shown = false;
  constructor(private readonly out: NodeJS.WriteStream) {}

  update(text: string): void {
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[K${text}`);
      this.shown = true;
    } else if (Date.now() - this.lastPlain >= 2000) {
      this.lastPlain = Date.now();
      this.out.write(text + '\n');
    }
  }

  done(): void {
    if (this.shown) this.out.write('\n');
    this.shown = false;
  }
}
