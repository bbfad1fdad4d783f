/** The firewall model: type tokens, the normal form of rules, readers of every shape, and the classic translation. */
export * from "./tokens";
export * from "./model";
export * from "./settings";
export * from "./stack";
export * from "./documents";
export * from "./classic";
export * from "./exports";
