/**
 * ARM template expressions in an exported template (pure): every string value of the form `[...]` is
 * evaluated from the template's parameters (their `defaultValue`) and variables, so that a portal
 * "Export template" file reads as Azure deploys it: `"[parameters('ipGroups_hub_externalid')]"` in
 * `sourceIpGroups` becomes the IP group's ID, `"[concat(parameters('firewallPolicies_fw_name'), '/aml')]"`
 * the group's name. Functions: `parameters`, `variables`, `concat`, `format`, `toLower`, `toUpper`. An
 * expression that uses anything else, or a parameter without a default, is left as written and reported
 * with the field it is in: never a silent non-match. `[[...` is a literal string starting with `[`.
 */

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

class ExpressionError extends Error {}

/** A tiny reader of ARM's expression language: function calls, 'strings' ('' escapes a quote), numbers. */
class Parser {
    private at = 0;

    constructor(
        private readonly text: string,
        private readonly call: (name: string, args: Value[]) => Value,
    ) {}

    parse(): Value {
        const value = this.expression();
        this.space();
        if (this.at !== this.text.length) {
            throw new ExpressionError(`unexpected ${JSON.stringify(this.text.slice(this.at, this.at + 10))}`);
        }
        return value;
    }

    private space(): void {
        while (this.text[this.at] === " ") {
            this.at++;
        }
    }

    private expression(): Value {
        this.space();
        const c = this.text[this.at];
        if (c === "'") {
            return this.string();
        }
        const number = /^-?\d+/.exec(this.text.slice(this.at));
        if (number) {
            this.at += number[0].length;
            return Number(number[0]);
        }
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
        if (!name) {
            throw new ExpressionError(`unexpected ${JSON.stringify(this.text.slice(this.at, this.at + 10))}`);
        }
        this.at += name[0].length;
        this.space();
        if (this.text[this.at] !== "(") {
            throw new ExpressionError(`${name[0]} is not a function call`);
        }
        this.at++;
        const args: Value[] = [];
        this.space();
        while (this.text[this.at] !== ")") {
            args.push(this.expression());
            this.space();
            if (this.text[this.at] === ",") {
                this.at++;
            } else if (this.text[this.at] !== ")") {
                throw new ExpressionError(`expected , or ) in ${name[0]}(...)`);
            }
        }
        this.at++;
        this.space();
        if (this.text[this.at] === "." || this.text[this.at] === "[") {
            throw new ExpressionError(`property access after ${name[0]}(...)`);
        }
        return this.call(name[0], args);
    }

    private string(): string {
        let out = "";
        this.at++;
        while (this.at < this.text.length) {
            const c = this.text[this.at++];
            if (c === "'") {
                if (this.text[this.at] === "'") {
                    out += "'";
                    this.at++;
                } else {
                    return out;
                }
            } else {
                out += c;
            }
        }
        throw new ExpressionError("a 'string' is not closed");
    }
}

export interface ResolvedTemplate {
    /** The template's resources with every expression it could evaluate replaced by its value. */
    resources: unknown[];
    /** One line per expression left as written: where, what, and why. */
    problems: string[];
}

function record(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}

/** Evaluates the expressions of an ARM template's resources from its parameters' defaults and its variables. */
export function resolveTemplate(template: Record<string, unknown>): ResolvedTemplate {
    const parameters = record(template.parameters) ?? {};
    const variables = record(template.variables) ?? {};
    const resolving = new Set<string>();
    const problems: string[] = [];

    const functions = (name: string, args: Value[]): Value => {
        const text = (i: number) => {
            if (typeof args[i] !== "string" && typeof args[i] !== "number") {
                throw new ExpressionError(`${name}() takes text, not ${JSON.stringify(args[i])}`);
            }
            return String(args[i]);
        };
        switch (name.toLowerCase()) {
            case "parameters": {
                const parameter = record(parameters[text(0)]);
                if (!parameter || !("defaultValue" in parameter)) {
                    throw new ExpressionError(`parameter ${text(0)} has no defaultValue in the template`);
                }
                return evaluate(parameter.defaultValue as Value, `parameters.${text(0)}.defaultValue`);
            }
            case "variables": {
                if (!(text(0) in variables)) {
                    throw new ExpressionError(`variable ${text(0)} is not in the template`);
                }
                if (resolving.has(text(0))) {
                    throw new ExpressionError(`variable ${text(0)} refers to itself`);
                }
                resolving.add(text(0));
                try {
                    return evaluate(variables[text(0)] as Value, `variables.${text(0)}`);
                } finally {
                    resolving.delete(text(0));
                }
            }
            case "concat":
                return args.every(Array.isArray) ? (args as Value[][]).flat() : args.map((_, i) => text(i)).join("");
            case "format":
                return text(0).replace(/\{(\d+)\}/g, (_, i: string) => text(Number(i) + 1));
            case "tolower":
                return text(0).toLowerCase();
            case "toupper":
                return text(0).toUpperCase();
            default:
                throw new ExpressionError(`${name}() needs the deployment to evaluate`);
        }
    };

    /** A value with its expressions evaluated; strict: throws on the first that cannot be. */
    function evaluate(value: Value, where: string): Value {
        if (typeof value === "string") {
            if (value.startsWith("[[")) {
                return value.slice(1);
            }
            if (value.startsWith("[") && value.endsWith("]")) {
                return new Parser(value.slice(1, -1), functions).parse();
            }
            return value;
        }
        if (Array.isArray(value)) {
            return value.map((v, i) => evaluate(v, `${where}[${i}]`));
        }
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, `${where}.${k}`)]));
        }
        return value;
    }

    /** The resources, each expression evaluated where it can be, reported where it cannot. */
    function walk(value: unknown, where: string): unknown {
        if (typeof value === "string" && value.startsWith("[") && !value.startsWith("[[") && value.endsWith("]")) {
            try {
                return evaluate(value, where);
            } catch (error) {
                if (!(error instanceof ExpressionError)) {
                    throw error;
                }
                problems.push(
                    `${where} holds the template expression ${value}, which cannot be evaluated here ` +
                        `(${error.message}); it is read as written, so a rule with it may not match as deployed.`,
                );
                return value;
            }
        }
        if (typeof value === "string" && value.startsWith("[[")) {
            return value.slice(1);
        }
        if (Array.isArray(value)) {
            return value.map((v, i) => walk(v, `${where}[${i}]`));
        }
        const object = record(value);
        return object
            ? Object.fromEntries(Object.entries(object).map(([k, v]) => [k, walk(v, `${where}.${k}`)]))
            : value;
    }

    // What the rule readers use of a resource: its type, name and properties (not dependsOn, location, ...).
    const resources = (Array.isArray(template.resources) ? template.resources : []).map((resource, i) => {
        const object = record(resource);
        if (!object) {
            return resource;
        }
        const at = `resources[${i}]`;
        const name = walk(object.name, `${at}.name`);
        const label = typeof name === "string" ? ` (${name})` : "";
        return { ...object, name, properties: walk(object.properties, `${at}${label}.properties`) };
    });
    return { resources, problems };
}
