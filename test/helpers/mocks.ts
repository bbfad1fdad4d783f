/** Test access to the offline mocks of cli/offline/mocks.ts. */
import { recorded } from "../../cli/offline/mocks";

export {
    installMocks,
    recorded,
    resetRecorded,
    unwrap,
    captureProgram,
    MOCK_SUBSCRIPTION as SUBSCRIPTION,
} from "../../cli/offline/mocks";
export type { RecordedResource, CapturedResource } from "../../cli/offline/mocks";

export function byType(type: string) {
    return recorded.filter((r) => r.type === type);
}
