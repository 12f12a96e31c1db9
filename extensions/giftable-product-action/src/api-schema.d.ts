// Generated from the core's OpenAPI document by storefront/scripts/api-types.ts (only the operations this client calls, listed there): do not edit.
export interface paths {
    "/v1/vendor/products/{id}/giftable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make a product giftable (or not), and optionally add it to an offer */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Shopify id, numeric or GID. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ExtensionGiftableInput"];
                };
            };
            responses: {
                /** @description The product's gifting state after the change. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExtensionProductGifting"];
                    };
                };
                /** @description Malformed request (bad JSON, or invalid path or query parameters). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The credentials do not grant access to this operation. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The offer is archived or was changed meanwhile. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The request body is larger than the server accepts. */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The request body is not application/json. */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The request body failed validation; see `errors`. */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendor/products/{id}/gifting": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A product's gifting state: giftable or not, and the offers it can join */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description Shopify id, numeric or GID. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description State. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ExtensionProductGifting"];
                    };
                };
                /** @description Malformed request (bad JSON, or invalid path or query parameters). */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Missing, invalid or expired credentials. */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The credentials do not grant access to this operation. */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not found. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ExtensionGiftableInput: {
            /** @default true */
            giftable: boolean;
            /**
             * Format: uuid
             * @description Also add the whole product (every giftable variant) to this offer.
             */
            offerId?: string;
        };
        ExtensionProductGifting: {
            offers: {
                /** Format: uuid */
                id: string;
                includesProduct: boolean;
                /** @enum {string} */
                kind: "single" | "choice";
                name: string;
                status: string;
            }[];
            product: {
                giftable: boolean;
                /** Format: uuid */
                id: string;
                shopifyId: string;
                title: string;
            };
        };
        /** @description One invalid value in a request. */
        FieldError: {
            /**
             * @description Machine-readable reason.
             * @example too_big
             */
            code: string;
            /**
             * @description Which part of the request.
             * @enum {string}
             */
            in: "body" | "query" | "path" | "header" | "cookie";
            /** @example Too big: expected number to be <=1000 */
            message: string;
            /**
             * @description Dotted path to the value; empty for the part as a whole.
             * @example limit
             */
            path: string;
            /**
             * @description JSON Pointer (RFC 6901) to the value.
             * @example /limit
             */
            pointer: string;
        };
        /** @description An RFC 9457 problem details object, served as application/problem+json. */
        Problem: {
            /**
             * @description Stable machine-readable error code.
             * @example not_found
             */
            code: string;
            /** @description Explanation specific to this occurrence. */
            detail?: string;
            /** @description Validation problems only: one entry per invalid value. */
            errors?: components["schemas"]["FieldError"][];
            /** @description The request path this occurrence happened on. */
            instance?: string;
            /** @description Request id (also in the X-Request-Id header); quote it in support requests. */
            requestId?: string;
            /**
             * @description The HTTP status code.
             * @example 404
             */
            status: number;
            /**
             * @description Short summary of the problem type.
             * @example Not Found
             */
            title: string;
            /**
             * @description URI reference identifying the problem type.
             * @example /problems/not-found
             */
            type: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
