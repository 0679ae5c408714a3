import { availableParallelism } from "node:os";
import { ExecutionEnvironment, InvocationOutcome } from "./execution-environment";
import { LocalFunctionDefinition } from "./function-definition";

export class ConcurrencyExceededError extends Error {
    constructor(functionName: string, reservedConcurrency: number) {
        super(
            `Function ${functionName} is already running ${reservedConcurrency} invocations (its reserved concurrency); Lambda would throttle this one`,
        );
        this.name = "ConcurrencyExceededError";
    }
}

/** Execution environments warmed at once: one per core. */
const WARM_PARALLELISM = Math.max(1, availableParallelism());

/**
 * A function as Lambda runs it: warm execution environments are reused, a new one starts (cold)
 * when all are busy, and never more than the reserved concurrency exist at once. An environment
 * that timed out or crashed is discarded, so the next invocation starts a fresh one.
 */
export class LocalFunction {
    private readonly idle: ExecutionEnvironment[] = [];
    private readonly busy = new Set<ExecutionEnvironment>();
    private starting = 0;
    private stopped = false;
    private coldStartCount = 0;

    constructor(readonly definition: LocalFunctionDefinition) {}

    get name(): string {
        return this.definition.functionName;
    }

    /** Invocations running now. */
    get running(): number {
        return this.busy.size + this.starting;
    }

    get coldStarts(): number {
        return this.coldStartCount;
    }

    /**
     * Runs one invocation. A failed init is reported as an error outcome, as Lambda reports
     * `Runtime.ImportModuleError`: the event source mapping treats it as a failed batch.
     * @throws ConcurrencyExceededError when called beyond the reserved concurrency (a throttle).
     */
    async invoke(event: unknown): Promise<InvocationOutcome> {
        if (this.stopped) {
            throw new Error(`Function ${this.name} has been stopped`);
        }
        if (this.running >= this.definition.reservedConcurrency) {
            throw new ConcurrencyExceededError(this.name, this.definition.reservedConcurrency);
        }
        const startedAt = Date.now();
        let environment = this.idle.pop();
        if (environment === undefined) {
            this.starting++;
            try {
                environment = await ExecutionEnvironment.start(this.definition);
                this.coldStartCount++;
            } catch (error) {
                const message = error instanceof Error ? error.message : String(error);
                return { kind: "error", error: { name: "Runtime.InitError", message }, durationMs: Date.now() - startedAt };
            } finally {
                this.starting--;
            }
        }
        if (this.stopped) {
            void environment.terminate();
            return {
                kind: "error",
                error: { name: "Runtime.ExitError", message: `function ${this.name} was stopped` },
                durationMs: Date.now() - startedAt,
            };
        }
        this.busy.add(environment);
        try {
            return await environment.invoke(event);
        } finally {
            this.busy.delete(environment);
            if (environment.alive && !this.stopped) {
                this.idle.push(environment);
            } else if (environment.alive) {
                void environment.terminate();
            }
        }
    }

    /**
     * Starts up to `count` environments ahead of traffic (as provisioned concurrency does), so the
     * first invocations do not wait for a cold start. Fails if the handler module cannot load.
     */
    async warm(count: number): Promise<void> {
        const wanted = Math.max(0, Math.min(count, this.definition.reservedConcurrency) - this.idle.length - this.running);
        this.starting += wanted;
        const started: ExecutionEnvironment[] = [];
        try {
            // Inits are CPU-bound: started a core's worth at a time, each stays within its init limit
            // even when many are warmed at once on a small machine (all at once, ten of them overran 10 s).
            for (let remaining = wanted; remaining > 0; remaining -= WARM_PARALLELISM) {
                const wave = await Promise.all(
                    Array.from({ length: Math.min(WARM_PARALLELISM, remaining) }, () => ExecutionEnvironment.start(this.definition)),
                );
                started.push(...wave);
                this.coldStartCount += wave.length;
            }
        } catch (error) {
            await Promise.all(started.map((environment) => environment.terminate()));
            throw error;
        } finally {
            this.starting -= wanted;
        }
        if (this.stopped) {
            await Promise.all(started.map((environment) => environment.terminate()));
        } else {
            this.idle.push(...started);
        }
    }

    /**
     * Terminates every environment, busy ones included: their invocations end as failures and
     * nothing they would have done after this point happens (a crashed or killed consumer).
     */
    async stop(): Promise<void> {
        this.stopped = true;
        const environments = [...this.idle, ...this.busy];
        this.idle.length = 0;
        await Promise.all(environments.map((environment) => environment.terminate()));
    }
}
