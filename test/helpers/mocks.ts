/** Test access to the offline mocks of stacks/mocks.ts. */
import { recorded } from "../../stacks/mocks";

export { installMocks, recorded, resetRecorded, unwrap, captureProgram, MOCK_SUBSCRIPTION as SUBSCRIPTION } from "../../stacks/mocks";
export type { RecordedResource, CapturedResource } from "../../stacks/mocks";

export function byType(type: string) {
    return recorded.filter((r) => r.type === type);
}
