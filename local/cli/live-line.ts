/**
 * A status line that stays at the bottom of a terminal while other lines scroll above it. When
 * the output is not a terminal (a pipe, a CI log), it prints the status only when it changed and
 * at most every `quietIntervalMs`.
 */
export class LiveLine {
    private current = "";
    private lastPrinted = "";
    private lastPrintedAt = 0;

    constructor(
        private readonly out: NodeJS.WriteStream = process.stdout,
        private readonly quietIntervalMs = 5000,
    ) {}

    private get interactive(): boolean {
        return this.out.isTTY === true;
    }

    /** Prints a line above the status line. */
    log(line: string): void {
        if (this.interactive) {
            this.out.write(`\r\x1b[2K${line}\n${this.current}`);
        } else {
            this.out.write(`${line}\n`);
        }
    }

    update(status: string): void {
        this.current = status;
        if (this.interactive) {
            this.out.write(`\r\x1b[2K${status}`);
        } else if (status !== this.lastPrinted && Date.now() - this.lastPrintedAt >= this.quietIntervalMs) {
            this.out.write(`${status}\n`);
            this.lastPrinted = status;
            this.lastPrintedAt = Date.now();
        }
    }

    /** Leaves the status on its own line. */
    finish(): void {
        if (this.interactive && this.current !== "") {
            this.out.write("\n");
        } else if (!this.interactive && this.current !== this.lastPrinted) {
            this.out.write(`${this.current}\n`);
        }
        this.current = "";
    }
}
