// --invoke-answers: canned results for invokes the gate cannot answer, and the record of refusals.
import * as assert from "node:assert/strict";
import { parseInvokeAnswers } from "../../gate/invoke-answers";
import { RefusedInvoke, answerInvoke, createInvokeTable } from "../../gate/invoke-table";

const table = createInvokeTable({ "aws:region": "eu-west-1" }, {});
const answers = parseInvokeAnswers(
    JSON.stringify({
        answers: [
            { token: "aws:ecr/getImage:getImage", args: { repositoryName: "orders" }, result: { imageUri: "orders:1" } },
            { token: "aws:ecr/getImage:getImage", result: { imageUri: "any:1" } },
            {
                token: "aws:lambda/getFunction:getFunction",
                args: { functionName: "billing" },
                error: "ResourceNotFoundException: Function not found: billing",
            },
        ],
    }),
    "answers.json",
);

describe("invoke answers", () => {
    it("answers with the first entry whose token and given arguments match", () => {
        const result = answerInvoke(table, "aws:ecr/getImage:getImage", { repositoryName: "orders", imageTag: "latest" }, answers);

        assert.deepStrictEqual(result, { imageUri: "orders:1" });
    });

    it("lets an entry without args match any arguments", () => {
        const result = answerInvoke(table, "aws:ecr/getImage:getImage", { repositoryName: "billing" }, answers);

        assert.deepStrictEqual(result, { imageUri: "any:1" });
    });

    it("records every refused invoke with its arguments, even when the caller catches the error", () => {
        const refused: RefusedInvoke[] = [];

        try {
            answerInvoke(table, "aws:lambda/getFunction:getFunction", { functionName: "orders" }, answers, refused);
        } catch {
            // the program's try/catch
        }

        assert.deepStrictEqual(refused, [{ token: "aws:lambda/getFunction:getFunction", args: { functionName: "orders" } }]);
    });

    it("fails an invoke answered with an error, with that message, as the provider would (a lookup of what does not exist)", () => {
        assert.throws(
            () => answerInvoke(table, "aws:lambda/getFunction:getFunction", { functionName: "billing" }, answers),
            /^AnsweredInvokeError: ResourceNotFoundException: Function not found: billing \(answered by --invoke-answers\)$/,
        );
    });

    it("does not count an invoke answered with an error as refused", () => {
        const refused: RefusedInvoke[] = [];

        try {
            answerInvoke(table, "aws:lambda/getFunction:getFunction", { functionName: "billing" }, answers, refused);
        } catch {
            // the program's try/catch takes its "does not exist" branch
        }

        assert.deepStrictEqual(refused, []);
    });

    it("rejects an entry without a result or an error, naming the entry and the fields", () => {
        assert.throws(
            () => parseInvokeAnswers('{"answers": [{"token": "aws:ecr/getImage:getImage"}]}', "a.json"),
            /answers\[0\] in a\.json must have either 'result' \(an object: the invoke's outputs\) or 'error' \(the provider's error message\); neither given/,
        );
    });

    it("rejects an entry with both a result and an error", () => {
        assert.throws(
            () => parseInvokeAnswers('{"answers": [{"token": "aws:ecr/getImage:getImage", "result": {}, "error": "x"}]}', "a.json"),
            /answers\[0\] in a\.json must have either 'result' \(an object: the invoke's outputs\) or 'error' \(the provider's error message\); both given/,
        );
    });

    it("rejects an error that is not a non-empty string", () => {
        assert.throws(
            () => parseInvokeAnswers('{"answers": [{"token": "aws:ecr/getImage:getImage", "error": 404}]}', "a.json"),
            /'error' of answers\[0\] in a\.json must be a non-empty string \(the provider's error message\), 404 given/,
        );
    });

    it("rejects a token that is not an invoke token", () => {
        assert.throws(
            () => parseInvokeAnswers('{"answers": [{"token": "getImage", "result": {}}]}', "a.json"),
            /'token' of answers\[0\] in a\.json must be an invoke token/,
        );
    });
});
