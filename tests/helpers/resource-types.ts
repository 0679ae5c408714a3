import { ResourceTypes as PackResourceTypes } from "../../policy/resource-types";

/**
 * The type tokens the tests look up: the policy pack's (one list, checked against the
 * @pulumi/aws classes in tests/policy/pack.test.ts), and the few the component creates that no
 * rule reads.
 */
export const ResourceTypes = {
    ...PackResourceTypes,
    topic: "aws:sns/topic:Topic",
    table: "aws:dynamodb/table:Table",
    parameter: "aws:ssm/parameter:Parameter",
    bucket: "aws:s3/bucket:Bucket",
    kmsKey: "aws:kms/key:Key",
    kmsAlias: "aws:kms/alias:Alias",
} as const;
