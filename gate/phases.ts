// Time per phase of one gate run, for `--verbose`: what a pull request waits for, and where.

/** Milliseconds since the process started, so start-up (Node, tsx, imports) shows as its own phase. */
function uptimeMs(): number {
    return process.uptime() * 1000;
}

export class PhaseTimer {
    private readonly phases: { readonly name: string; readonly ms: number }[] = [];
    private last: number;

    constructor() {
        this.last = uptimeMs();
        this.phases.push({ name: "start the gate (node, TypeScript loader, imports)", ms: this.last });
    }

    /** Ends the phase that started at the previous `end`. */
    end(name: string): void {
        const now = uptimeMs();
        this.phases.push({ name, ms: now - this.last });
        this.last = now;
    }

    /** Times one concurrent piece on its own, without moving the sequential clock. */
    async time<T>(name: string, work: () => Promise<T>): Promise<T> {
        const started = uptimeMs();
        try {
            return await work();
        } finally {
            this.phases.push({ name: `  ${name}`, ms: uptimeMs() - started });
        }
    }

    format(): string {
        const lines = this.phases.map((p) => `  ${(p.ms / 1000).toFixed(2).padStart(6)} s  ${p.name}`);
        return `Time per phase:\n${lines.join("\n")}\n  ${(uptimeMs() / 1000).toFixed(2).padStart(6)} s  total\n`;
    }
}
