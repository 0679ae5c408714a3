import { spawn, type ChildProcess } from "node:child_process";

/** A burner never outlives this, even if the test process dies without stopping it. */
const MAX_BURN_SECONDS = 600;

/**
 * Runs `action` while `cores` busy loops (`sh -c 'while :; do :; done'`, each bounded by
 * `timeout`) compete for the CPU, as on a loaded machine; the burners are stopped afterwards by
 * their own process ids.
 */
export async function withBusyCores<T>(cores: number, action: () => Promise<T>): Promise<T> {
    const burners: ChildProcess[] = Array.from({ length: cores }, () =>
        spawn("timeout", [String(MAX_BURN_SECONDS), "sh", "-c", "while :; do :; done"], { stdio: "ignore" }),
    );
    try {
        return await action();
    } finally {
        for (const burner of burners) {
            burner.kill("SIGTERM");
        }
    }
}
