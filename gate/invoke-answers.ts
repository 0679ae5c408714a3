// `--invoke-answers <file>`: canned results for provider functions the gate cannot answer
// offline. The file is JSON: { "answers": [ { "token": "<invoke token>", "args": { ... },
// "result": { ... } } ] }, or "error": "<message>" in place of "result" for an invoke the provider
// would fail (a lookup of something that does not exist). An entry matches an invoke with its token when every key of `args`
// equals the invoke's argument of that name (no `args`: any arguments); the first match wins.
import * as fs from "node:fs";
import { GateUsageError } from "./errors";
import { InvokeAnswerEntry } from "./invoke-table";

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses an invoke answers document; GateUsageError naming the entry and field when it is wrong. */
export function parseInvokeAnswers(text: string, source: string): InvokeAnswerEntry[] {
    let doc: unknown;
    try {
        doc = JSON.parse(text);
    } catch (err) {
        throw new GateUsageError(`invoke answers ${source} is not valid JSON: ${(err as Error).message}`);
    }
    if (!isObject(doc) || !Array.isArray(doc.answers)) {
        throw new GateUsageError(
            `invoke answers ${source} must be an object with an 'answers' list, ${JSON.stringify(doc)?.slice(0, 80)} given`,
        );
    }
    return doc.answers.map((entry: unknown, i: number): InvokeAnswerEntry => {
        const where = `answers[${i}] in ${source}`;
        if (!isObject(entry)) {
            throw new GateUsageError(`${where} must be an object { token, args?, result }, ${JSON.stringify(entry)} given`);
        }
        if (typeof entry.token !== "string" || !/^[^:]+:[^:]*:[^:]+$/.test(entry.token)) {
            throw new GateUsageError(
                `'token' of ${where} must be an invoke token such as 'aws:ecr/getImage:getImage', ${JSON.stringify(entry.token)} given`,
            );
        }
        if (entry.args !== undefined && !isObject(entry.args)) {
            throw new GateUsageError(`'args' of ${where} must be an object of argument values, ${JSON.stringify(entry.args)} given`);
        }
        const either = "either 'result' (an object: the invoke's outputs) or 'error' (the provider's error message)";
        if ((entry.result === undefined) === (entry.error === undefined)) {
            throw new GateUsageError(`${where} must have ${either}; ${entry.result === undefined ? "neither" : "both"} given`);
        }
        if (entry.error !== undefined) {
            if (typeof entry.error !== "string" || entry.error === "") {
                throw new GateUsageError(
                    `'error' of ${where} must be a non-empty string (the provider's error message), ${JSON.stringify(entry.error)} given`,
                );
            }
            return { token: entry.token, args: entry.args, error: entry.error };
        }
        if (!isObject(entry.result)) {
            throw new GateUsageError(
                `'result' of ${where} must be an object (the invoke's outputs), ${JSON.stringify(entry.result)} given`,
            );
        }
        return { token: entry.token, args: entry.args, result: entry.result };
    });
}

export function readInvokeAnswersFile(file: string): InvokeAnswerEntry[] {
    if (!fs.existsSync(file)) {
        throw new GateUsageError(`invoke answers file ${file} does not exist; '--invoke-answers' must name a JSON file`);
    }
    return parseInvokeAnswers(fs.readFileSync(file, "utf8"), file);
}
