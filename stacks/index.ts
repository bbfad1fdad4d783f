import { runProgram } from "./program";

const outputs = runProgram();

export const provider = outputs.provider;
export const firewallPolicyId = outputs.firewallPolicyId;
export const ruleCollectionGroupName = outputs.ruleCollectionGroupName;
export const ruleCollectionGroupId = outputs.ruleCollectionGroupId;
export const ruleCount = outputs.ruleCount;
export const notes = outputs.notes;
