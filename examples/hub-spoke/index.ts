import * as pulumi from "@pulumi/pulumi";
import { argsFromConfig, createHubSpoke } from "./network";

const network = createHubSpoke(argsFromConfig(new pulumi.Config("hub-spoke")));

export const firewallPolicyId = network.egress.firewallPolicyId;
export const firewallPrivateIp = network.firewallPrivateIp;
export const computeSubnetId = network.computeSubnet.id;
export const egressNotes = network.egress.notes;
