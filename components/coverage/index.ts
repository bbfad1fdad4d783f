export * from "./evaluate";
export { UNKNOWN_SENTINEL, RawGroup } from "./model";
