// Generated from the core's OpenAPI document by storefront/scripts/api-types.ts: do not edit.
export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness
         * @description Answers 200 while the process is up. Checks nothing else; use `/ready` for dependencies.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The process is up. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Health"];
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
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness
         * @description Checks that the database answers and that the job queue's backing service is reachable, each within a short timeout. A load balancer should send traffic only while this answers 200.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Ready: every check passed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Readiness"];
                    };
                };
                /** @description Not ready: the problem's `checks` member says which checks failed. */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"] & {
                            checks: {
                                database: components["schemas"]["ReadinessCheck"];
                                queue: components["schemas"]["ReadinessCheck"];
                            };
                        };
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
    "/v1/buyer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The buyer organisation this API key belongs to */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The buyer. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Buyer"];
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
    "/v1/buyer-auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in member, their organisation, permissions and CSRF token */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Signed in. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BuyerSession"];
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
    "/v1/buyer-auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Email a sign-in link (and code)
         * @description The answer is the same whether or not the email has an account.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                    };
                };
            };
            responses: {
                /** @description If the email has an account, the link is on its way. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignInLinkSent"];
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
                /** @description Too many requests. */
                429: {
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
    "/v1/buyer-auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out this browser */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Signed out. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
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
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/buyer-auth/sign-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign up with a work email: emails a link (and code) that creates the organisation */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        name?: string;
                        organisation: string;
                    };
                };
            };
            responses: {
                /** @description The link is on its way (an email that already has an account gets a sign-in link). */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignInLinkSent"];
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
                /** @description Too many links asked for this email or from this client (`rate_limited`, Retry-After). */
                429: {
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
    "/v1/buyer-auth/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with the link's token, or with the email and its pasted code
         * @description Sets the session cookie (httpOnly, SameSite=Lax; Secure over https). A link or code works once, for 15 minutes; five wrong codes burn it.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    } | {
                        code: string;
                        /** Format: email */
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Signed in. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BuyerSession"];
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
                /** @description No such link or code (`link_invalid`), or no account for it (`no_account`). */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The link or code was already used (`link_used`), has expired (`link_expired`), or took too many wrong codes (`link_locked`). */
                410: {
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
    "/v1/buyer/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List this buyer's API keys (never the keys themselves) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Keys. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ApiKey"][];
                        };
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
            };
        };
        put?: never;
        /** Create another API key */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Created. The response holds the only copy of the key. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedApiKey"];
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
    "/v1/buyer/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Revoked. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
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
                /** @description No active key with this id. */
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
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/buyer/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The team: members and invitations */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Members. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["BuyerMember"][];
                        };
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
            };
        };
        put?: never;
        /** Invite a team member by email (owner, admin, sender: orders, finance: pays and sees receipts) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        name?: string;
                        /** @enum {string} */
                        role: "owner" | "admin" | "sender" | "finance";
                    };
                };
            };
            responses: {
                /** @description Invited: the invitation email is on its way. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BuyerMember"];
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
                /** @description Already on the team (`already_member`). */
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
                /** @description Too many emails to this address (`rate_limited`). */
                429: {
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
    "/v1/buyer/members/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a member (their sessions end at once) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Removed. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
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
                /** @description No such member. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The team would have no owner (`last_owner`). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a member's role */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        role: "owner" | "admin" | "sender" | "finance";
                    };
                };
            };
            responses: {
                /** @description Changed. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BuyerMember"];
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
                /** @description No such member. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The team would have no owner (`last_owner`). */
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
        trace?: never;
    };
    "/v1/buyer/orders/{id}/receipt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The PDF receipt of a paid order (owners, admins, finance) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The receipt. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/pdf": string;
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
                /** @description No order of yours has this id. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not paid yet (`not_paid`). */
                409: {
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
    "/v1/buyer/orders/{id}/sandbox-payment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sandbox mode only: pay an order with one of Stripe's test cards
         * @description The buyer storefront's card form in sandbox mode (no charge): confirms the order's PaymentIntent at the Stripe stand-in with the test card, as Stripe.js would. `expectedAmount` is the total the buyer reviewed; a different total is refused (`amount_changed`) and nothing is charged. A 3-D Secure card answers `requires_action` with the challenge page to open. The order is fulfilled only from Stripe's webhook. Live mode: 404 `sandbox_only` (the Payment Element is used instead).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        cvc: string;
                        expectedAmount: number;
                        expMonth: number;
                        expYear: number;
                        number: string;
                    };
                };
            };
            responses: {
                /** @description The payment's outcome. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SandboxPayment"];
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
                /** @description No order of yours has this id, or not in sandbox mode (`sandbox_only`). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Already paid or not payable (`not_payable`), or the total changed since review (`amount_changed`, with `amount`). */
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
    "/v1/buyer/orders/{id}/units/{unitId}/email": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Correct a recipient's email before the gift is redeemed (an emailed gift is emailed again to the new address) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    unitId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Corrected. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GiftAction"];
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
                /** @description No such gift in your order. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Already redeemed (`already_redeemed`), not emailed yet (`not_resendable`), another recipient of the order has this email (`duplicate_email`), or the payment is disputed (`on_hold`). */
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
    "/v1/buyer/orders/{id}/units/{unitId}/resend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a recipient's gift email again (unredeemed gifts; at most once an hour) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    unitId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Queued. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["GiftAction"];
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
                /** @description No such gift in your order. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Already redeemed (`already_redeemed`), not emailed yet (`not_resendable`), another recipient of the order has this email (`duplicate_email`), or the payment is disputed (`on_hold`). */
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
    "/v1/buyer/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Organisation settings: the daily digest email of redemptions */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        digestOptIn: boolean;
                    };
                };
            };
            responses: {
                /** @description Saved. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["BuyerSettings"];
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
        trace?: never;
    };
    "/v1/finance/dead-letters/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replay a dead-lettered job
         * @description Every role.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The job is back in the queue. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            jobId: string;
                        };
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
                /** @description No dead letter has this id (`not_found`). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Replayed already (`already_replayed`). */
                409: {
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
    "/v1/finance/exceptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What needs a person: refused and parked bookings, dead letters, held Shopify pushes */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description At most 200 of each. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FinanceExceptions"];
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
    "/v1/finance/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is signed in, and the session's CSRF token */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The signed-in staff member. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FinanceStaff"];
                    };
                };
                /** @description Not signed in (`not_signed_in`). */
                401: {
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
    "/v1/finance/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Money in, refunds, fees, what brands are owed and were paid, commission; by week */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The overview. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FinanceOverview"];
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
    "/v1/finance/payout-runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run payouts now
         * @description Admin and finance. The body is optional.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @description Only this brand.
                         */
                        vendorId?: string;
                    };
                };
            };
            responses: {
                /** @description The run: its payouts (drafts when approval is required, else transfers start) and carry-overs. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutRunResult"];
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
                /** @description Another payout run is under way (`run_in_progress`). */
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
                /** @description The body failed its schema (`validation_failed`, one field error per problem) or holds characters text cannot (`invalid_characters`). */
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
    "/v1/finance/payout-runs/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Drafts waiting for approval, failed payouts, recent payouts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The queues. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FinancePayoutQueues"];
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
    "/v1/finance/payout-runs/payouts/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a draft payout (its transfers start)
         * @description Admin and finance. The body is optional.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description The version you read; 409 `stale` if it changed since. */
                        version?: number;
                    };
                };
            };
            responses: {
                /** @description Approved. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutChange"];
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
                /** @description No payout has this id. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not a draft (`not_allowed`) or changed since read (`stale`). */
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
                /** @description The body failed its schema (`validation_failed`, one field error per problem) or holds characters text cannot (`invalid_characters`). */
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
    "/v1/finance/payout-runs/payouts/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a failed or needs-attention payout
         * @description Admin and finance. The body is optional.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description The version you read; 409 `stale` if it changed since. */
                        version?: number;
                    };
                };
            };
            responses: {
                /** @description Transferring again. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutChange"];
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
                /** @description No payout has this id. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Not failed or needing attention (`not_allowed`) or changed since read (`stale`). */
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
                /** @description The body failed its schema (`validation_failed`, one field error per problem) or holds characters text cannot (`invalid_characters`). */
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
    "/v1/finance/payout-runs/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Preview the next payout run (dry run: writes nothing) */
        get: {
            parameters: {
                query?: {
                    /** @description Only this brand (empty: every brand). */
                    vendorId?: string | "";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Who would be paid and who carries over, and why. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutRunResult"];
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
    "/v1/finance/payout-settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The platform's payout settings and each brand's (overrides and what applies) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The settings (at most 500 brands, by name). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FinancePayoutSettings"];
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
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change the platform's payout settings (audited)
         * @description Admin and finance.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        approvalRequired?: boolean;
                        commissionBps?: number;
                        /**
                         * @description Minimum payout per currency, minor units.
                         * @example {
                         *       "USD": 2500
                         *     }
                         */
                        minimumPayout?: {
                            [key: string]: number;
                        };
                        settlementDays?: number;
                    };
                };
            };
            responses: {
                /** @description The settings after the change. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutSettings"];
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
                /** @description The body failed its schema (`validation_failed`, one field error per problem) or holds characters text cannot (`invalid_characters`). */
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
        trace?: never;
    };
    "/v1/finance/payout-settings/brands/{vendorId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change a brand's payout overrides (audited)
         * @description Admin and finance.
         */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    vendorId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        approvalRequired?: boolean | null;
                        commissionBps?: number | null;
                        /**
                         * @description Minimum payout per currency, minor units.
                         * @example {
                         *       "USD": 2500
                         *     }
                         */
                        minimumPayout?: {
                            [key: string]: number;
                        } | null;
                        settlementDays?: number | null;
                    };
                };
            };
            responses: {
                /** @description The brand's settings after the change. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorPayoutSettings"];
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
                /** @description No brand has this id. */
                404: {
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
                /** @description The body failed its schema (`validation_failed`, one field error per problem) or holds characters text cannot (`invalid_characters`). */
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
        trace?: never;
    };
    "/v1/finance/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Paid payouts as booked in Xero, with Stripe's transfers */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Newest first (at most 500). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["FinancePayoutBooking"][];
                        };
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
    "/v1/finance/reconciliation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reconciliation days, newest first */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description At most 400 days and currencies. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ReconciliationDay"][];
                        };
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
    "/v1/finance/reconciliation.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reconciliation days as CSV (a download: one row per difference) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description `reconciliation.csv`. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
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
    "/v1/finance/reconciliation/{day}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reconcile a day now (Stripe, our ledger, Xero)
         * @description Admin and finance.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A day as YYYY-MM-DD. */
                    day: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One report per currency. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ReconciliationReport"][];
                        };
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
                /** @description Xero is not configured on this deployment (`xero_not_configured`). */
                409: {
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
    "/v1/finance/records/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Book a record that needs attention (or is parked) again
         * @description Admin and finance.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Queued. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            queued: true;
                        };
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
                /** @description No record that needs attention or is parked has this id. */
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
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/finance/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Email a sign-in link to the console
         * @description The answer is the same whether or not the address has a console account (or asked too often). The link opens a 12-hour session.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                    };
                };
            };
            responses: {
                /** @description If the address has an account, the link is on its way. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            detail: string;
                            /** @enum {boolean} */
                            sent: true;
                        };
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
                /** @description The body failed its schema (`validation_failed`, one field error per problem) or holds characters text cannot (`invalid_characters`). */
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
    "/v1/finance/session/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out (the session ends, the cookie is cleared) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Signed out. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            signedOut: true;
                        };
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
                /** @description Not from the console's origin or without the CSRF token (`csrf_origin`, `csrf_token`). */
                403: {
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
    "/v1/finance/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The deployment's finance settings and recent alerts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The settings. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["FinanceSettings"];
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
    "/v1/finance/xero": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Xero connection, mapping and booking counts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The connection. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["XeroConnectionView"];
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
    "/v1/finance/xero/connect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start connecting Xero: the consent page to open
         * @description Admin only.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Open consentUrl in the browser. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            consentUrl: string;
                        };
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
                /** @description Xero is not configured (`xero_not_configured`). */
                409: {
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
    "/v1/finance/xero/mapping": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Map accounts (checked against the organisation's chart)
         * @description Admin and finance.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        billsAccountCode: string;
                        clearingAccountCode: string;
                        feesAccountCode: string;
                        salesAccountCode: string;
                        taxType: string;
                        trackingCategory: string;
                    };
                };
            };
            responses: {
                /** @description Saved; parked bookings resume. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["XeroConnectionView"];
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
                /** @description Xero is not configured, not connected or needs connecting again (`xero_not_configured`, `xero_not_connected`, `xero_needs_reauth`). */
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
                /** @description An account, the tax type or the tracking category does not fit (its code, every problem in `errors`), or the body failed its schema (`validation_failed`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Xero refused the call (`xero_refused`). */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/finance/xero/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounts, tax rates and tracking categories to map */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The organisation's chart. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["XeroMappingOptions"];
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
                /** @description Xero is not configured, not connected or needs connecting again (`xero_not_configured`, `xero_not_connected`, `xero_needs_reauth`). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Xero refused the call (`xero_refused`). */
                502: {
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
    "/v1/finance/xero/organisation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Choose the organisation among Xero's connections
         * @description Admin only.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        tenantId: string;
                    };
                };
            };
            responses: {
                /** @description Connected. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["XeroConnectionView"];
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
                /** @description Xero is not configured, not connected or needs connecting again (`xero_not_configured`, `xero_not_connected`, `xero_needs_reauth`). */
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
                /** @description Not a connected organisation (`unknown_organisation`), its base currency is not the platform's (`base_currency_mismatch`), or the body failed its schema (`validation_failed`). */
                422: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Xero refused the call (`xero_refused`). */
                502: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/buyers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create a buyer organisation and its first API key */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        keyName?: string;
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Created. The response holds the only copy of the API key. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedBuyer"];
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
    "/v1/operator/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List dead-lettered jobs
         * @description Newest first. By default only those not yet replayed.
         */
        get: {
            parameters: {
                query?: {
                    /** @description Also list dead letters that were already replayed. */
                    includeReplayed?: "true" | "false";
                    /** @description At most this many (1 to 1000; default 100). */
                    limit?: number;
                    /** @description Only this job type. */
                    type?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The dead letters. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeadLetterList"];
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
    "/v1/operator/dead-letters/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replay a dead-lettered job
         * @description Puts the job back in the queue with fresh attempts (same job, same idempotency key). A dead letter is replayed once: a second call answers 409 `already_replayed`.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description The dead-letter id. */
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Re-queued. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ReplayAccepted"];
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
                /** @description No dead letter has this id (`not_found`). */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Already replayed (`already_replayed`). */
                409: {
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
    "/v1/operator/finance/reconciliation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Reconciliation days, newest first (CSV with format=csv: one row per difference) */
        get: {
            parameters: {
                query?: {
                    format?: "json" | "csv";
                    /** @description A day as YYYY-MM-DD. */
                    from?: string;
                    /** @description A day as YYYY-MM-DD. */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The days. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                [key: string]: unknown;
                            }[];
                        };
                        "text/csv": string;
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
    "/v1/operator/finance/reconciliation/{day}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reconcile a day now (Stripe, our ledger, Xero) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    /** @description A day as YYYY-MM-DD. */
                    day: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description One report per currency. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                [key: string]: unknown;
                            }[];
                        };
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
                /** @description Conflicts with the current state of the resource. */
                409: {
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
    "/v1/operator/finance/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounting records (what is booked in Xero for our records) */
        get: {
            parameters: {
                query?: {
                    kind?: "sale_invoice" | "refund_credit_note" | "stripe_fees" | "payout_bill" | "payout_reversal";
                    limit?: number;
                    status?: "pending" | "booked" | "needs_attention" | "parked";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Newest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                [key: string]: unknown;
                            }[];
                        };
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
    "/v1/operator/finance/records/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Book a record that needs attention (or is parked) again */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Queued. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            queued: true;
                        };
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
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/finance/xero": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Xero connection, mapping and booking counts */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The connection. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["XeroConnectionView"];
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
            };
        };
        put?: never;
        post?: never;
        /** Disconnect Xero (revokes the token) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Disconnected. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["XeroConnectionView"];
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
                /** @description Conflicts with the current state of the resource. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/finance/xero/connect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start connecting Xero: the consent page to open */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Open consentUrl in the browser. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uri */
                            consentUrl: string;
                        };
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
                /** @description Conflicts with the current state of the resource. */
                409: {
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
    "/v1/operator/finance/xero/mapping": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Map accounts (checked against the organisation's chart) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["XeroMapping"];
                };
            };
            responses: {
                /** @description Saved; parked bookings resume. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["XeroConnectionView"];
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
                /** @description Conflicts with the current state of the resource. */
                409: {
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
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/finance/xero/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Accounts, tax rates and tracking categories to map */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description What can be mapped. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
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
                /** @description Conflicts with the current state of the resource. */
                409: {
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
    "/v1/operator/finance/xero/organisation": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Choose the organisation among Xero's connections */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: uuid */
                        tenantId: string;
                    };
                };
            };
            responses: {
                /** @description Connected. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["XeroConnectionView"];
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
                /** @description Conflicts with the current state of the resource. */
                409: {
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
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/operator/held-pushes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Redeemed gifts whose Shopify order is held, with why
         * @description Oldest first: gifts a recipient redeemed that have no Shopify order and will not get one until the reason is dealt with.
         */
        get: {
            parameters: {
                query?: {
                    /** @description At most this many (1 to 1000; default 100). */
                    limit?: number;
                    /** @description Only this shop's gifts. */
                    shop?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The held pushes. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["HeldPushList"];
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
    "/v1/operator/jobs/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Job counts per status and type */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Counts of jobs in the outbox table. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["JobStats"];
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
    "/v1/operator/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List payouts, newest first */
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    status?: "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
                    vendorId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Payouts. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                amountMinor: number;
                                createdAt: string;
                                currency: string;
                                failureReason: string | null;
                                /** Format: uuid */
                                id: string;
                                lineCount: number;
                                paidAt: string | null;
                                /** @enum {string} */
                                status: "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
                                /** Format: uuid */
                                vendorId: string;
                                vendorName: string;
                                version: number;
                            }[];
                        };
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
    "/v1/operator/payouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A payout with lines, transfers, adjustments and history */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The payout. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["OperatorPayout"];
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
    "/v1/operator/payouts/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve a draft payout (its transfers start) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description The version you read; 409 `stale` if it changed since. */
                        version?: number;
                    };
                };
            };
            responses: {
                /** @description Approved. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutChange"];
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
                /** @description Not a draft (`not_allowed`, e.g. already transferring) or changed since read (`stale`). */
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
    "/v1/operator/payouts/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry a failed or needs-attention payout */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": {
                        /** @description The version you read; 409 `stale` if it changed since. */
                        version?: number;
                    };
                };
            };
            responses: {
                /** @description Transferring again. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutChange"];
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
                /** @description Not failed or needing attention (`not_allowed`) or changed since read (`stale`). */
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
    "/v1/operator/payouts/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Preview a payout run (dry run: writes nothing) */
        get: {
            parameters: {
                query?: {
                    /** @description Settle as of this instant (default now). */
                    asOf?: string;
                    vendorId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description What a run would pay and carry over. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutRunResult"];
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
    "/v1/operator/payouts/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run a payout cycle now */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["PayoutRunInput"];
                };
            };
            responses: {
                /** @description The run: its payouts (transfers enqueued unless approval is required) and carry-overs. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutRunResult"];
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
                /** @description Another payout run is under way (`run_in_progress`). */
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
    "/v1/operator/payouts/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The platform's payout settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Settings. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutSettings"];
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
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change the platform's payout settings (audited) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["PayoutSettingsPatch"];
                };
            };
            responses: {
                /** @description Settings after the change. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutSettings"];
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
        trace?: never;
    };
    "/v1/operator/payouts/settings/vendors/{vendorId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A brand's payout settings: its overrides and what applies */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    vendorId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Settings. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorPayoutSettings"];
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
        /** Change a brand's payout overrides (audited) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    vendorId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["VendorPayoutSettingsPatch"];
                };
            };
            responses: {
                /** @description Settings after the change. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorPayoutSettings"];
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
        trace?: never;
    };
    "/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your orders, newest first */
        get: {
            parameters: {
                query?: {
                    /** @description Cursor: createdAt of the last order of the previous page. */
                    before?: string;
                    limit?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Orders. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["OrderSummary"][];
                        };
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
            };
        };
        put?: never;
        /**
         * Create a gift order for 1 to 10,000 recipients (awaiting payment)
         * @description Nothing is saved while any recipient row is invalid; all problems are reported at once.
         */
        post: {
            parameters: {
                query?: never;
                header?: {
                    /** @description Makes the create safe to retry: the same key returns the same order. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Your PO or reference. */
                        buyerReference?: string;
                        /**
                         * Format: uuid
                         * @description The gift for every recipient without its own offerId.
                         */
                        offerId?: string;
                        recipients: components["schemas"]["RecipientInput"][];
                        reminders?: components["schemas"]["ReminderSettings"] & unknown;
                        senderName?: string;
                        /** @description The storefront's slug. */
                        storefront: string;
                    };
                };
            };
            responses: {
                /** @description Replayed: the order an earlier request with this Idempotency-Key created. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedOrder"];
                    };
                };
                /** @description Created. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedOrder"];
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
                /** @description Not found. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state of the resource. */
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
                /** @description Invalid recipients (every row at once) or body. */
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
    "/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One order with each recipient's status (paged by row) */
        get: {
            parameters: {
                query?: {
                    afterRow?: number | null;
                    limit?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The order. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Order"];
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
                /** @description No order of yours has this id. */
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
    "/v1/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an order that is not paid
         * @description For an order awaiting payment (or whose payment failed): its PaymentIntent, if checkout started one, is canceled at Stripe first, so no payment can go through afterwards. A paid order is not canceled as a whole: cancel its gifts one by one (each refunds its share).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Canceled. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: uuid */
                            id: string;
                            /** @enum {string} */
                            status: "canceled";
                        };
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
                /** @description No order of yours has this id. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The order is paid, canceled or refunded (`not_cancelable`), or Stripe is taking its payment now (`payment_in_progress`). */
                409: {
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
    "/v1/orders/{id}/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pay for an order: returns the Stripe PaymentIntent's client secret
         * @description Confirm the payment with Stripe.js (or the Stripe API) using the client secret. Calling it again returns the same PaymentIntent.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The PaymentIntent to confirm. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Checkout"];
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
                /** @description No order of yours has this id. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The order is paid, canceled or refunded (`not_payable`). */
                409: {
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
    "/v1/orders/{id}/gift-links.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a CSV of the recipients' gift links and codes */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description CSV: row, name, email, status, code, gift_url, expires_at. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
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
                /** @description No order of yours has this id. */
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
    "/v1/orders/{id}/units/{unitId}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel one recipient's gift before it is redeemed, refunding its share */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                    unitId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Canceled; the refund is on its way. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            refund: {
                                amount: number;
                                currency: string;
                            };
                            /** @enum {string} */
                            status: "canceled";
                        };
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
                /** @description No such gift in your order. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Already redeemed, expired or canceled (`not_cancelable`), or the order's payment is disputed (`order_disputed`). */
                409: {
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
    "/v1/orders/{id}/units/{unitId}/qr": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A recipient's gift link as a QR code (SVG or PNG) */
        get: {
            parameters: {
                query?: {
                    format?: "svg" | "png";
                };
                header?: never;
                path: {
                    id: string;
                    unitId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The QR code. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "image/png": string;
                        "image/svg+xml": string;
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
                /** @description No such gift in your order. */
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
    "/v1/orders/csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create a gift order from a CSV file of recipients
         * @description Columns (header row, any order, names case-insensitive, each at most once): name, email, and optionally phone, message, country, send_at (ISO date or date-time), offer_id. Send the file itself as the request body, UTF-8, with `Content-Type: text/csv` (optionally `; charset=utf-8`); `application/csv`, `text/plain` and `application/vnd.ms-excel` (what browsers on Windows call a .csv file) are read the same way. A multipart form upload (`curl -F`) or JSON is refused with 415 `unsupported_media_type`: use `curl --data-binary @recipients.csv -H 'Content-Type: text/csv'`. Every problem is reported at once: file problems (`csv_encoding`, `csv_unknown_column`, `csv_duplicate_column`, `csv_missing_column`, `csv_empty`) at path `file` or `header`; row problems (`csv_column_count`, `csv_syntax`, `required`, `invalid_field`, …) with `row` N = the N-th data row, 1-based, the header not counted (a quoted cell spanning lines is one row).
         */
        post: {
            parameters: {
                query: {
                    /** @description Your PO or reference. */
                    buyerReference?: string;
                    offerId?: string;
                    senderName?: string;
                    storefront: string;
                };
                header?: {
                    /** @description Makes the create safe to retry: the same key returns the same order. */
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "text/csv": string;
                };
            };
            responses: {
                /** @description Replayed (same Idempotency-Key). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedOrder"];
                    };
                };
                /** @description Created. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CreatedOrder"];
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
                /** @description Not found. */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Conflicts with the current state of the resource. */
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
                /** @description The body is not a CSV file sent as `text/csv` (e.g. a multipart upload or JSON), or its charset is not UTF-8 (`unsupported_media_type`). */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Invalid file or recipients (every row at once). */
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
    "/v1/redeem/gift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The gift: brand, message, the choices with options and stock, status and tracking */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The gift. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Gift"];
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
    "/v1/redeem/gift/address": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Correct the shipping address of a redeemed gift, until it is ordered from the brand
         * @description Allowed while the gift is redeemed and its order has not yet been sent to the brand (`redemption.addressEditable` in the gift). Once the brand's order is under way the answer is `409 already_ordered`, and the gift ships to the address it has.
         */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["AddressCorrection"];
                };
            };
            responses: {
                /** @description Corrected; the gift as it now stands. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Gift"];
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
                /** @description Not redeemed yet (`not_redeemed`), or already being ordered from the brand (`already_ordered`): the address can no longer change. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The gift was canceled. */
                410: {
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
                /** @description Invalid address, or a country the gift cannot ship to. */
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
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/redeem/gift/redeem": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Redeem: choose a variant and give the shipping address (once) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["Redemption"];
                };
            };
            responses: {
                /** @description Redeemed; the gift as it now stands. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Gift"];
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
                /** @description Already redeemed (`already_redeemed`), the choice is out of stock (`out_of_stock`), or the gift is on hold while its payment is disputed (`on_hold`). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The gift expired or was canceled. */
                410: {
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
                /** @description Invalid address, a variant that is not one of the choices, or a country the brand does not ship to. */
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
    "/v1/redeem/gift/thank-you": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the sender a thank-you note (once, after redeeming)
         * @description The buyer gets it by email (replies go to the recipient) and sees it on the order.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ThankYouNote"];
                };
            };
            responses: {
                /** @description Sent; the gift as it now stands (with the note). */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Gift"];
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
                /** @description Not redeemed yet (`not_redeemed`), or a note was already sent (`already_sent`). */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description The gift was canceled. */
                410: {
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
    "/v1/redeem/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange a gift code for a short-lived recipient token
         * @description Codes are case-insensitive; spaces and dashes are ignored. Attempts are rate-limited per client address and locked per code after repeated failures.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                    };
                };
            };
            responses: {
                /** @description The token for this gift. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["RecipientSession"];
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
                /** @description No gift has this code (`code_not_found`). */
                404: {
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
                /** @description Too many attempts; see Retry-After. */
                429: {
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
    "/v1/storefront-shipping/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** What the brand's buyer site shows beyond its offers: where it ships and at what rate, and its logo */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    slug: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Shipping and logo. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["StorefrontShipping"];
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
                /** @description No such storefront, or it is closed. */
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
    "/v1/storefronts/{slug}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A brand's storefront: branding and the gift offers on sale now */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    slug: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The storefront. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Storefront"];
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
                /** @description No such storefront, or it is closed. */
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
    "/v1/storefronts/{slug}/logo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The brand's logo (for storefront pages and gift emails) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    slug: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The image. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "image/png": string;
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
                /** @description No such storefront, or it has no logo. */
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
    "/v1/storefronts/{slug}/quote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Price an order (items, shipping, totals) without saving anything */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    slug: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Your PO or reference. */
                        buyerReference?: string;
                        /**
                         * Format: uuid
                         * @description The gift for every recipient without its own offerId.
                         */
                        offerId?: string;
                        recipients: components["schemas"]["RecipientInput"][];
                        senderName?: string;
                    };
                };
            };
            responses: {
                /** @description The quote. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Quote"];
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
                /** @description Not found. */
                404: {
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
                /** @description Invalid recipients (`invalid_recipients`, every row at once) or body. */
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
    "/v1/vendor/data-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Customer data requests Shopify sent for this shop (newest first, last 100) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Requests. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["VendorDataRequest"][];
                        };
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
    "/v1/vendor/data-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One customer data request, with an expiring link to its JSON report */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The request. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorDataRequest"];
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
    "/v1/vendor/manifests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask for a packing manifest (PDF of the gifts waiting to be packed), built by a job */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: {
                content: {
                    "application/json": components["schemas"]["ManifestRequest"];
                };
            };
            responses: {
                /** @description Requested; poll `GET /v1/vendor/manifests/{id}`. */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PackingManifest"];
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
    "/v1/vendor/manifests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A packing manifest's status and, when ready, an expiring download link */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The manifest. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PackingManifest"];
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
    "/v1/vendor/offers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The brand's gift offers */
        get: {
            parameters: {
                query?: {
                    includeArchived?: "true" | "false";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Offers, newest first. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["VendorOffer"][];
                        };
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
            };
        };
        put?: never;
        /** Create a gift offer (one item, or the recipient's choice) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["CreateOffer"];
                };
            };
            responses: {
                /** @description Created. */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorOfferDetail"];
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
                /** @description Invalid fields (`invalid_offer`) or items (`invalid_offer_items`), every problem at once. */
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
    "/v1/vendor/offers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One offer, with a preview of the choices a recipient will see */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The offer. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorOfferDetail"];
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
        /** Change an offer (optimistic lock on `version`) */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["UpdateOffer"];
                };
            };
            responses: {
                /** @description The changed offer. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorOfferDetail"];
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
                /** @description Changed by someone else since `version` (`version_conflict`), or archived. */
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
        trace?: never;
    };
    "/v1/vendor/offers/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Publish, pause, resume or archive an offer */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["OfferStatusChange"];
                };
            };
            responses: {
                /** @description The offer after the change. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorOfferDetail"];
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
                /** @description Version conflict or a change the offer's state does not allow. */
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
    "/v1/vendor/payout-account": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the brand's Stripe connected account stands */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The account's status. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutAccount"];
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
    "/v1/vendor/payout-account/dashboard-link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A one-time link into the brand's Stripe Express dashboard */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The link. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutAccountLink"];
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
                /** @description There is no account yet, Stripe no longer gives access to it, or the platform has no Stripe account configured. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Stripe refused the request (e.g. onboarding not submitted). */
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
    "/v1/vendor/payout-account/onboarding-link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A fresh Stripe onboarding link (creates the connected account on first use)
         * @description Stripe sends the brand back to the app's Payouts page in Shopify admin (`?stripe=return`, or `?stripe=refresh` for a new link).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The link. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["PayoutAccountLink"];
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
                /** @description Payouts to this account are disabled (rejected, or disconnected by the brand), or the platform has no Stripe account configured. */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
                /** @description Stripe refused the request. */
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
    "/v1/vendor/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Your payouts, newest first (50 a page) */
        get: {
            parameters: {
                query?: {
                    /** @description `nextCursor` of the previous page. */
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description A page of payouts. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorPayoutList"];
                    };
                };
                /** @description A cursor this API did not return (`invalid_cursor`). */
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
    "/v1/vendor/payouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A payout with its lines, transfers, adjustments and history */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The payout. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorPayout"];
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
                /** @description No payout of yours has this id. */
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
    "/v1/vendor/payouts/{id}/lines.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A payout's lines as CSV */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description CSV: payout_id, currency, unit_id, order_id, shopify_order, recipient_first_name, item, variant, sku, share_minor, commission_minor. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "text/csv": string;
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
                /** @description No payout of yours has this id. */
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
    "/v1/vendor/payouts/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Amounts pending, settling, payable and paid, per currency, with earnings per week */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Summary. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorPayoutSummary"];
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
    "/v1/vendor/shipping-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the brand ships, and the rate per recipient */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Rules. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ShippingRuleList"];
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
            };
        };
        /** Replace the shipping rules (country `*` is every other country) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["ShippingRules"];
                };
            };
            responses: {
                /** @description Saved. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ShippingRuleList"];
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
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendor/storefront": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The brand's storefront settings */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Settings. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorStorefront"];
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
                /** @description No storefront yet. */
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
        /** Create or replace the storefront's branding and the offers it shows */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": components["schemas"]["StorefrontSettings"];
                };
            };
            responses: {
                /** @description Saved. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["VendorStorefront"];
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
                /** @description The address (slug) is taken. */
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
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendor/storefront/logo": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Upload the storefront's logo (PNG, JPEG or WebP, at most 2 MB; the body is the image) */
        put: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "image/jpeg": string;
                    "image/png": string;
                    "image/webp": string;
                };
            };
            responses: {
                /** @description Stored. */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
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
                /** @description Conflicts with the current state of the resource. */
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
                /** @description Empty, or not the image its content type says. */
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
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vendor/units/by-shopify-order/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The gift (fulfillment units) behind an order the platform created in this shop */
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
                /** @description The order's gift units. */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            shopifyOrderId: string;
                            units: components["schemas"]["ExtensionGiftUnit"][];
                        };
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
        AccountingRecord: {
            amount: number;
            attempts: number;
            bookedAt: string | null;
            currency: string;
            day: string;
            /** Format: uuid */
            id: string;
            /** @example sale_invoice */
            kind: string;
            message: string | null;
            parkedReason: string | null;
            parkedUntil: string | null;
            sourceId: string;
            /** @enum {string} */
            status: "pending" | "booked" | "needs_attention" | "parked";
            stripeRef: string | null;
            updatedAt: string;
            xeroDocumentId: string | null;
            xeroDocumentNumber: string | null;
            xeroPaymentId: string | null;
        };
        AddressCorrection: {
            address: {
                city: string;
                company?: string;
                /** @description Two-letter ISO 3166-1 code, e.g. US. */
                country: string;
                line1: string;
                line2?: string;
                name: string;
                /** @description For the carrier: digits, spaces and + ( ) . - */
                phone?: string;
                /** @description Required unless the country has no postal codes; checked against the country's format where it is well known. */
                postalCode?: string;
                /** @description Required where the country has states or provinces (US, CA, AU, JP, MX, BR, IN, CN). */
                region?: string;
            };
        };
        ApiKey: {
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            lastUsedAt: string | null;
            name: string;
            prefix: string;
            /** Format: date-time */
            revokedAt: string | null;
        };
        Buyer: {
            email: string;
            /** Format: uuid */
            id: string;
            name: string;
        };
        BuyerMember: {
            /** Format: date-time */
            createdAt: string;
            email: string;
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            joinedAt: string | null;
            name: string | null;
            /** @enum {string} */
            role: "owner" | "admin" | "sender" | "finance";
        };
        BuyerSession: {
            /** @description Send it as `X-CSRF-Token` on every write made with the session cookie. */
            csrfToken: string;
            member: components["schemas"]["BuyerMember"];
            organisation: {
                digestOptIn: boolean;
                /** Format: uuid */
                id: string;
                name: string;
            };
            permissions: ("orders.read" | "orders.create" | "orders.manage" | "orders.pay" | "receipts.read" | "team.manage" | "keys.manage" | "settings.manage")[];
        };
        BuyerSettings: {
            digestOptIn: boolean;
        };
        Checkout: {
            amount: number;
            clientSecret: string;
            currency: string;
            paymentIntentId: string;
            /** @description Sandbox mode only (the local Stripe stand-in): pay this order with a test card in one step. */
            sandbox?: {
                /** @description The same as a command to copy. */
                example: string;
                /** @description POST it (no body, no key) to pay with the test card `pm_card_visa`; send `payment_method=pm_card_chargeDeclined` to see a decline. */
                payUrl: string;
            };
        };
        Choice: {
            /** @description Units available; null = not tracked (unlimited). */
            available: number | null;
            imageUrl: string | null;
            options: {
                name: string;
                value: string;
            }[];
            /** Format: uuid */
            productId: string;
            productTitle: string;
            /** Format: uuid */
            variantId: string;
            variantTitle: string;
        };
        CreatedApiKey: {
            /** Format: date-time */
            createdAt: string;
            /** Format: uuid */
            id: string;
            /**
             * @description The API key. Shown this once: store it now.
             * @example gl_sk_ab12cd34_…
             */
            key: string;
            name: string;
            prefix: string;
        };
        CreatedBuyer: {
            apiKey: components["schemas"]["CreatedApiKey"];
            email: string;
            /** Format: uuid */
            id: string;
            name: string;
        };
        CreatedOrder: {
            order: components["schemas"]["OrderSummary"];
        };
        CreateOffer: {
            currency: string;
            /** @default  */
            description: string;
            /** Format: date-time */
            endsAt?: string | null;
            /** @description Defaults to the brand's default gift expiry. */
            expiryDays?: number;
            items: components["schemas"]["OfferItemInput"][];
            /**
             * @description `single`: one product for every recipient, who picks among its giftable variants (all of them, or those the items name). `choice`: the recipient picks one of several products or variants (at least two).
             * @enum {string}
             */
            kind: "single" | "choice";
            name: string;
            /** @description B2B price per recipient, minor units. */
            priceAmount: number;
            /** Format: date-time */
            startsAt?: string | null;
            /**
             * @default draft
             * @enum {string}
             */
            status: "draft" | "active";
        };
        DeadLetter: {
            /** @description Attempts made before it was dead-lettered. */
            attempts: number;
            /** Format: date-time */
            failedAt: string;
            /**
             * Format: uuid
             * @description Dead-letter record id (use it to replay).
             */
            id: string;
            idempotencyKey: string;
            /**
             * Format: uuid
             * @description The job that died; a replay re-queues this same job.
             */
            jobId: string;
            lastError: string | null;
            /** @description The job's payload, as enqueued. */
            payload?: unknown;
            /**
             * Format: date-time
             * @description Set once replayed; null while waiting.
             */
            replayedAt: string | null;
            /** @description What dead-lettered it: `db`, `sqs` or `sqs-redrive`. */
            source: string;
            /** @example maintenance.prune-finished-jobs */
            type: string;
        };
        DeadLetterList: {
            items: components["schemas"]["DeadLetter"][];
        };
        ExtensionGiftableInput: {
            /** @default true */
            giftable: boolean;
            /**
             * Format: uuid
             * @description Also add the whole product (every giftable variant) to this offer.
             */
            offerId?: string;
        };
        ExtensionGiftUnit: {
            /** @description The unit's page in the embedded app, e.g. `/app/units/<id>`. */
            appPath: string;
            /** Format: uuid */
            giftOrderId: string;
            /** Format: uuid */
            id: string;
            message: string | null;
            recipientName: string;
            redeemedAt: string | null;
            shippedAt: string | null;
            status: string;
            tracking: {
                carrier: string | null;
                number: string | null;
                url: string | null;
            };
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
        FinanceExceptions: {
            deadLetters: components["schemas"]["DeadLetter"][];
            heldPushes: components["schemas"]["HeldPush"][];
            needsAttention: components["schemas"]["AccountingRecord"][];
            parked: components["schemas"]["AccountingRecord"][];
        };
        /** @description Figures in the platform currency, minor units: the totals and the last 8 weeks. */
        FinanceOverview: {
            /** @description Accounting records by status. */
            bookings: {
                [key: string]: number;
            };
            commission: number;
            currency: string;
            fees: number;
            moneyIn: number;
            owedToBrands: number;
            paidToBrands: number;
            refunds: number;
            weeks: {
                moneyIn: number;
                paidToBrands: number;
                refunds: number;
                week: string;
            }[];
        };
        FinancePayoutBooking: {
            amount: number;
            currency: string;
            day: string;
            message: string | null;
            payoutId: string;
            /** Format: uuid */
            recordId: string;
            /** @description The Xero bill's number. */
            reference: string | null;
            /** @enum {string} */
            status: "pending" | "booked" | "needs_attention" | "parked";
            transfers: {
                id: string;
                url: string;
            }[];
            xeroUrl: string | null;
        };
        FinancePayoutQueues: {
            drafts: {
                amountMinor: number;
                createdAt: string;
                currency: string;
                failureReason: string | null;
                /** Format: uuid */
                id: string;
                lineCount: number;
                paidAt: string | null;
                /** @enum {string} */
                status: "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
                /** Format: uuid */
                vendorId: string;
                vendorName: string;
                version: number;
            }[];
            /** @description Failed, then needing attention. */
            failed: {
                amountMinor: number;
                createdAt: string;
                currency: string;
                failureReason: string | null;
                /** Format: uuid */
                id: string;
                lineCount: number;
                paidAt: string | null;
                /** @enum {string} */
                status: "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
                /** Format: uuid */
                vendorId: string;
                vendorName: string;
                version: number;
            }[];
            /** @description The newest 50, any status. */
            recent: {
                amountMinor: number;
                createdAt: string;
                currency: string;
                failureReason: string | null;
                /** Format: uuid */
                id: string;
                lineCount: number;
                paidAt: string | null;
                /** @enum {string} */
                status: "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
                /** Format: uuid */
                vendorId: string;
                vendorName: string;
                version: number;
            }[];
        };
        FinancePayoutSettings: {
            brands: (components["schemas"]["VendorPayoutSettings"] & {
                /** Format: uuid */
                vendorId: string;
                vendorName: string;
            })[];
            platform: components["schemas"]["PayoutSettings"];
        };
        FinanceSettings: {
            alerts: {
                /** @description This process's newest alerts (at most 20), newest first. */
                recent: {
                    at: string;
                    details?: {
                        [key: string]: string | number | boolean | null;
                    };
                    kind: string;
                    message: string;
                }[];
                sentry: boolean;
                slack: boolean;
            };
            jobs: {
                /** @enum {string} */
                driver: "db" | "sqs";
            };
            platformCurrency: string;
            xero: {
                concurrencyLimit: number;
                configured: boolean;
                minuteLimit: number;
                redirectUri: string;
            };
        };
        FinanceStaff: {
            /** @description Send it as `X-CSRF-Token` on every write. */
            csrfToken: string;
            email: string;
            name: string;
            /** @enum {string} */
            role: "admin" | "finance" | "support";
        };
        Gift: {
            brand: {
                /** @example #008060 */
                accentColor: string;
                /** @description The brand's logo; null when it has none. */
                logoUrl: string | null;
                name: string;
                /** @example #1a1a1a */
                primaryColor: string;
            };
            /** @description What the recipient may choose, with stock now. */
            choices: components["schemas"]["Choice"][];
            /** Format: date-time */
            expiresAt: string;
            message: string | null;
            offerName: string;
            recipientName: string;
            redemption: {
                /** @description The recipient can still correct the address (`PUT /v1/redeem/gift/address`): the gift is not yet being ordered from the brand. */
                addressEditable: boolean;
                choice: components["schemas"]["Choice"] | null;
                /** Format: date-time */
                redeemedAt: string;
                /** @description The address as the recipient gave it; optional fields they left blank are absent. */
                shippingAddress: {
                    city: string;
                    company?: string;
                    /** @description Two-letter ISO 3166-1 code, e.g. US. */
                    country: string;
                    line1: string;
                    line2?: string;
                    name: string;
                    phone?: string;
                    postalCode?: string;
                    region?: string;
                } | null;
                /** @description The thank-you note the recipient sent the sender (`POST /v1/redeem/gift/thank-you`), once sent. */
                thankYou: {
                    message: string;
                    /** Format: date-time */
                    sentAt: string;
                } | null;
                tracking: {
                    carrier: string | null;
                    number: string | null;
                    url: string | null;
                } | null;
            } | null;
            senderName: string | null;
            /** @description Where the gift may ship (ISO 3166-1 alpha-2): the recipient's country as the buyer gave it (its shipping was paid), else the brand's countries, or `anywhere`. */
            shipsTo: string[] | "anywhere";
            /** @description `available` or `expired` for a gift not yet redeemed, or `on_hold` while the sender's payment is disputed (it cannot be redeemed for now); else `redeemed`, `pushed`, `shipped`, `delivered` or `canceled`. */
            status: string;
            /** @description The brand's welcome text; null when it wrote none. */
            welcomeText: string | null;
        };
        GiftAction: {
            email: string;
            status: string;
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        HeldPush: {
            brand: string;
            /** Format: date-time */
            heldSince: string;
            /**
             * @description `vendor_uninstalled`: the brand removed the app (a reinstall resumes it). `connection_broken`: Shopify refuses the app's access token (the brand reopening the app resumes it). `payment_disputed`: the buyer's payment is disputed. `refused`: Shopify refused the order (its job is dead-lettered). `flagged`: another operator flag.
             * @enum {string}
             */
            kind: "vendor_uninstalled" | "connection_broken" | "payment_disputed" | "refused" | "flagged";
            /** Format: uuid */
            orderId: string;
            /** @example Shopify connection broken: push paused (Shopify no longer accepts the app's access token (401 Unauthorized)) */
            reason: string;
            /** Format: date-time */
            redeemedAt: string | null;
            /** @example northwind-demo.myshopify.com */
            shop: string;
            /** Format: uuid */
            unitId: string;
            /** Format: uuid */
            vendorId: string;
        };
        HeldPushList: {
            items: components["schemas"]["HeldPush"][];
        };
        JobStats: {
            byStatus: components["schemas"]["JobStatusCounts"];
            byType: {
                byStatus: components["schemas"]["JobStatusCounts"];
                total: number;
                type: string;
            }[];
            total: number;
        };
        /** @description Jobs per status (every status present, zero when none). */
        JobStatusCounts: {
            dead: number;
            published: number;
            queued: number;
            running: number;
            succeeded: number;
        };
        ManifestRequest: {
            /**
             * Format: uuid
             * @description Only this gift order's units.
             */
            orderId?: string;
            /** @description `redeemed` (not yet in Shopify) and/or `pushed` (in Shopify, not shipped); default both. */
            statuses?: ("redeemed" | "pushed")[];
        };
        Money: {
            amount: number;
            currency: string;
        };
        Offer: {
            /** @description Gifts of this offer that can still be ordered (stock less what gifts already sent will take); null = not tracked (unlimited). */
            available: number | null;
            choices: components["schemas"]["Choice"][];
            description: string;
            expiryDays: number;
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            kind: "single" | "choice";
            name: string;
            orderable: boolean;
            price: components["schemas"]["Money"];
        };
        OfferItemInput: {
            /** Format: uuid */
            productId: string;
            /**
             * Format: uuid
             * @description One variant; omit to offer every giftable variant of the product. Several items naming variants of one product narrow what recipients pick from.
             */
            variantId?: string;
        };
        OfferStatusChange: {
            /** @enum {string} */
            status: "active" | "paused" | "archived";
            version: number;
        };
        OperatorPayout: {
            [key: string]: unknown;
        };
        Order: components["schemas"]["OrderSummary"] & {
            nextAfterRow: number | null;
            recipients: {
                amount: number;
                email: string;
                name: string;
                /** Format: uuid */
                offerId: string;
                row: number;
                /** Format: date-time */
                sendAt: string | null;
                unit: {
                    /** Format: date-time */
                    expiresAt: string;
                    /** Format: uuid */
                    id: string;
                    /** Format: date-time */
                    redeemedAt: string | null;
                    /** Format: date-time */
                    sentAt: string | null;
                    status: string;
                    /** @description The recipient's thank-you note to you, once they sent one (it is also emailed to you). */
                    thankYou: {
                        message: string;
                        /** Format: date-time */
                        sentAt: string;
                    } | null;
                    tracking: {
                        carrier: string | null;
                        number: string | null;
                        url: string | null;
                    } | null;
                } | null;
            }[];
            /**
             * @description Gifts per status across the whole order (issued, sent, redeemed, pushed, shipped, delivered, expired, canceled); empty until paid.
             * @example {
             *       "sent": 480,
             *       "redeemed": 15,
             *       "expired": 5
             *     }
             */
            units: {
                [key: string]: number;
            };
        };
        OrderSummary: {
            buyerReference: string | null;
            /** Format: date-time */
            createdAt: string;
            currency: string;
            /** @description The payment's dispute, if it was ever disputed. */
            dispute: {
                amount: number | null;
                /** Format: date-time */
                closedAt: string | null;
                /** Format: date-time */
                openedAt: string;
                /** @description Stripe's status of the dispute, e.g. needs_response, under_review, won, lost. */
                status: string;
            } | null;
            /** @description A dispute of the payment is open: the order's gifts are on hold (no emails, redemptions, brand orders, expiries or refunds) until it closes. */
            disputed: boolean;
            /** Format: uuid */
            id: string;
            itemsAmount: number;
            /** Format: date-time */
            paidAt: string | null;
            recipientCount: number;
            refundedAmount: number;
            reminders: components["schemas"]["ReminderSettings"];
            shippingAmount: number;
            /**
             * @description `charged_back`: the card issuer returned the payment to the buyer (a dispute lost); gifts not yet ordered from the brand were canceled.
             * @enum {string}
             */
            status: "awaiting_payment" | "payment_failed" | "paid" | "canceled" | "refunded" | "charged_back";
            totalAmount: number;
        };
        PackingManifest: {
            /** @description Set when ready; expires after 10 minutes (ask again for a fresh one). */
            downloadUrl: string | null;
            generatedAt: string | null;
            /** Format: uuid */
            id: string;
            pages: number | null;
            requestedAt: string;
            /** @enum {string} */
            status: "pending" | "ready" | "failed" | "deleted";
            truncated: boolean;
            units: number | null;
        };
        PayoutAccount: {
            dashboardAvailable: boolean;
            disabledReason: string | null;
            disabledReasonInWords: string | null;
            /** @description Stripe's requirements.currently_due (field names). */
            requirements: string[];
            requirementsInWords: string[];
            /** @enum {string} */
            status: "not_started" | "onboarding" | "restricted" | "active" | "disabled";
            stripeAccountId: string | null;
            updatedAt: string | null;
        };
        PayoutAccountLink: {
            /**
             * Format: uri
             * @description Open at once, in the whole window: it works once, for a few minutes. Never store it.
             */
            url: string;
        };
        PayoutChange: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
            version: number;
        };
        PayoutRunInput: {
            /**
             * Format: date-time
             * @description Sandbox and tests only (refused in production): settle as of this instant.
             */
            asOf?: string;
            /**
             * Format: uuid
             * @description Only this brand.
             */
            vendorId?: string;
        };
        PayoutRunResult: {
            asOf: string;
            carriedOver: {
                amountMinor: number;
                currency: string;
                detail: string;
                /** @enum {string} */
                reason: "account_not_active" | "minimum_not_met" | "negative_balance";
                unitCount: number;
                /** Format: uuid */
                vendorId: string;
                vendorName: string;
            }[];
            dryRun: boolean;
            payouts: {
                adjustmentsAmount: number;
                amount: number;
                commissionAmount: number;
                currency: string;
                lineCount: number;
                linesAmount: number;
                orderCount: number;
                /** Format: uuid */
                payoutId: string | null;
                /** @enum {string} */
                status: "draft" | "approved";
                /** Format: uuid */
                vendorId: string;
                vendorName: string;
            }[];
            /** Format: uuid */
            runId: string | null;
        };
        PayoutSettings: {
            approvalRequired: boolean;
            commissionBps: number;
            /**
             * @description Minimum payout per currency, minor units.
             * @example {
             *       "USD": 2500
             *     }
             */
            minimumPayout: {
                [key: string]: number;
            };
            scheduleDays: number;
            settlementDays: number;
        };
        PayoutSettingsPatch: {
            approvalRequired?: boolean;
            commissionBps?: number;
            /**
             * @description Minimum payout per currency, minor units.
             * @example {
             *       "USD": 2500
             *     }
             */
            minimumPayout?: {
                [key: string]: number;
            };
            scheduleDays?: number;
            settlementDays?: number;
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
        /** @description Amounts in minor units of `currency`. */
        Quote: {
            currency: string;
            itemsAmount: number;
            lines: {
                amount: number;
                name: string;
                /** Format: uuid */
                offerId: string;
                quantity: number;
                unitAmount: number;
            }[];
            recipientCount: number;
            shipping: {
                amount: number;
                country: string;
                quantity: number;
                rateAmount: number;
            }[];
            shippingAmount: number;
            totalAmount: number;
        };
        Readiness: {
            checks: {
                database: components["schemas"]["ReadinessCheck"];
                queue: components["schemas"]["ReadinessCheck"];
            };
            /** @enum {string} */
            status: "ok";
        };
        ReadinessCheck: {
            /** @description How long the check took. */
            durationMs: number;
            /**
             * @description Why it failed (details are in the server log).
             * @enum {string}
             */
            reason?: "timeout" | "error";
            /** @enum {string} */
            status: "ok" | "fail";
        };
        /** @description Checked row by row; every problem is reported at once. Unknown fields are refused. */
        RecipientInput: {
            /** @description ISO 3166-1 alpha-2; decides the shipping rate. */
            country?: string;
            email?: string;
            message?: string;
            name?: string;
            /** @description Overrides the order's offerId for this recipient. */
            offerId?: string;
            phone?: string;
            /** @description When the gift email goes out (default: at payment): an ISO 8601 date-time, or a date (2026-12-01), sent from the start of that day UTC and at once when that has passed; a date is in the past only once that day has ended everywhere. */
            sendAt?: string;
        };
        RecipientSession: {
            expiresIn: number;
            token: string;
        };
        ReconciliationDay: {
            currency: string;
            day: string;
            differences: components["schemas"]["ReconciliationDifference"][];
            ledgerNet: number;
            reconciled: boolean;
            runAt: string;
            stripeNet: number;
            xeroNet: number;
        };
        ReconciliationDifference: {
            currency: string;
            detail: string;
            /** @enum {string} */
            kind: "missing_in_xero" | "missing_in_stripe" | "unknown_to_us" | "amount_differs" | "not_booked";
            ledgerAmount: number | null;
            ours: string | null;
            stripe: string[];
            stripeAmount: number | null;
            subject: string;
            xero: string | null;
            xeroAmount: number | null;
        };
        ReconciliationReport: {
            currency: string;
            day: string;
            differences: components["schemas"]["ReconciliationDifference"][];
            ledgerNet: number;
            reconciled: boolean;
            stripeNet: number;
            xeroNet: number;
        };
        Redemption: {
            address: {
                city: string;
                company?: string;
                /** @description Two-letter ISO 3166-1 code, e.g. US. */
                country: string;
                line1: string;
                line2?: string;
                name: string;
                /** @description For the carrier: digits, spaces and + ( ) . - */
                phone?: string;
                /** @description Required unless the country has no postal codes; checked against the country's format where it is well known. */
                postalCode?: string;
                /** @description Required where the country has states or provinces (US, CA, AU, JP, MX, BR, IN, CN). */
                region?: string;
            };
            /** Format: uuid */
            variantId: string;
        };
        /** @description When recipients who have not redeemed are reminded: this order's setting, else the brand's default. */
        ReminderSettings: {
            /**
             * @description Days after the gift email went out, e.g. [3, 10]. Empty: none.
             * @example [
             *       3,
             *       10
             *     ]
             */
            afterSentDays: number[];
            /**
             * @description Days before the gift expires, e.g. [3]. Empty: none.
             * @example [
             *       3
             *     ]
             */
            beforeExpiryDays: number[];
        };
        ReplayAccepted: {
            /**
             * Format: uuid
             * @description The re-queued job.
             */
            jobId: string;
        };
        SandboxPayment: {
            challengeUrl?: string;
            code?: string;
            message?: string;
            /** @enum {string} */
            status: "succeeded" | "processing" | "requires_action" | "declined";
        };
        ShippingRuleList: {
            items: {
                country: string;
                currency: string;
                rateAmount: number;
            }[];
        };
        ShippingRules: {
            rules: {
                country: string;
                /** @description Per recipient, minor units of the brand's currency. */
                rateAmount: number;
            }[];
        };
        SignInLinkSent: {
            /** @enum {boolean} */
            sent: true;
        };
        Storefront: {
            accentColor: string;
            brandName: string;
            name: string;
            offers: components["schemas"]["Offer"][];
            primaryColor: string;
            slug: string;
            welcomeText: string;
        };
        StorefrontSettings: {
            accentColor: string;
            /** @default true */
            active: boolean;
            name: string;
            /** @default [] */
            offers: {
                /** Format: uuid */
                offerId: string;
                priceOverrideAmount?: number | null;
            }[];
            primaryColor: string;
            slug: string;
            /** @default  */
            welcomeText: string;
        };
        StorefrontShipping: {
            /** @description The rate for recipients who choose where it ships. */
            anywhereRate: {
                currency: string;
                rateAmount: number;
            } | null;
            logoUrl: string | null;
            shipping: {
                country: string;
                currency: string;
                rateAmount: number;
            }[];
        };
        ThankYouNote: {
            message: string;
        };
        UpdateOffer: {
            currency?: string;
            description?: string;
            /** Format: date-time */
            endsAt?: string | null;
            /** @description Days a recipient has to redeem after the gift is sent. */
            expiryDays?: number;
            items?: components["schemas"]["OfferItemInput"][];
            /**
             * @description `single`: one product for every recipient, who picks among its giftable variants (all of them, or those the items name). `choice`: the recipient picks one of several products or variants (at least two).
             * @enum {string}
             */
            kind?: "single" | "choice";
            name?: string;
            /** @description B2B price per recipient, minor units. */
            priceAmount?: number;
            /** Format: date-time */
            startsAt?: string | null;
            /** @description The version you read; a concurrent change answers 409. */
            version: number;
        };
        VendorDataRequest: {
            createdAt: string;
            /** @description JSON report; the link expires after 15 minutes. Null once the customer's data was erased. */
            downloadUrl: string | null;
            gifts: number;
            /** Format: uuid */
            id: string;
            recipientRows: number;
            shopifyCustomerId: string | null;
            shopifyDataRequestId: string | null;
            /** @enum {string} */
            status: "ready";
        };
        VendorOffer: {
            description: string;
            endsAt: string | null;
            expiryDays: number;
            /** Format: uuid */
            id: string;
            items: {
                /** Format: uuid */
                productId: string;
                productTitle: string;
                /** Format: uuid */
                variantId: string | null;
            }[];
            /** @enum {string} */
            kind: "single" | "choice";
            name: string;
            price: {
                amount: number;
                currency: string;
            };
            startsAt: string | null;
            /** @enum {string} */
            status: "draft" | "active" | "paused" | "archived";
            updatedAt: string;
            version: number;
        };
        VendorOfferDetail: components["schemas"]["VendorOffer"] & {
            preview: components["schemas"]["Choice"][];
        };
        VendorPayout: {
            adjustments: {
                amountMinor: number;
                createdAt: string;
                /** Format: uuid */
                id: string;
                reason: string;
                status: string;
            }[];
            amountMinor: number;
            currency: string;
            /** Format: uuid */
            id: string;
            lines: {
                commissionMinor: number;
                itemTitle: string | null;
                /** Format: uuid */
                orderId: string;
                /** @description The Shopify order's number in your store. */
                orderNumber: string | null;
                recipientFirstName: string;
                shareMinor: number;
                sku: string | null;
                /** Format: uuid */
                unitId: string;
                variantTitle: string | null;
            }[];
            /** @enum {string} */
            status: "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
            transfers: {
                amountMinor: number;
                /** Format: uuid */
                orderId: string;
                status: string;
                stripeTransferId: string | null;
            }[];
            transitions: {
                actor: string;
                at: string;
                from: string;
                reason: string | null;
                to: string;
            }[];
        };
        VendorPayoutList: {
            nextCursor: string | null;
            payouts: {
                amountMinor: number;
                createdAt: string;
                currency: string;
                failureReason: string | null;
                /** Format: uuid */
                id: string;
                lineCount: number;
                paidAt: string | null;
                /** @enum {string} */
                status: "draft" | "approved" | "transferring" | "paid" | "failed" | "needs_attention";
            }[];
        };
        VendorPayoutSettings: {
            effective: components["schemas"]["PayoutSettings"];
            overrides: {
                approvalRequired: boolean | null;
                commissionBps: number | null;
                /**
                 * @description Minimum payout per currency, minor units.
                 * @example {
                 *       "USD": 2500
                 *     }
                 */
                minimumPayout: {
                    [key: string]: number;
                } | null;
                settlementDays: number | null;
            };
        };
        /** @description null clears an override (the platform's setting applies). */
        VendorPayoutSettingsPatch: {
            approvalRequired?: boolean | null;
            commissionBps?: number | null;
            /**
             * @description Minimum payout per currency, minor units.
             * @example {
             *       "USD": 2500
             *     }
             */
            minimumPayout?: {
                [key: string]: number;
            } | null;
            settlementDays?: number | null;
        };
        VendorPayoutSummary: {
            currencies: {
                /** @description The platform's commission on these gifts. */
                commissionMinor: number;
                /** @example USD */
                currency: string;
                earningsByWeek: {
                    shareMinor: number;
                    /** @example 2026-11-30 */
                    weekStart: string;
                }[];
                /** @description When the next scheduled payout run starts. */
                nextPayoutAt: string;
                /** @description Paid to your Stripe account, less reversals. */
                paidMinor: number;
                /** @description Settled and not paid yet (including payouts on their way), less amounts owed back. */
                payableMinor: number;
                /** @description Shares of gifts redeemed, waiting for you to ship. */
                pendingMinor: number;
                /** @description Shipped, inside the settlement window (or their order is on hold for a dispute). */
                settlingMinor: number;
            }[];
        };
        VendorStorefront: {
            accentColor: string;
            active: boolean;
            hasLogo: boolean;
            /** Format: uuid */
            id: string;
            name: string;
            offers: {
                /** Format: uuid */
                offerId: string;
                position: number;
                priceOverrideAmount: number | null;
            }[];
            primaryColor: string;
            slug: string;
            welcomeText: string;
        };
        XeroConnectionView: {
            accessExpiresAt: string | null;
            bookings: {
                booked: number;
                needs_attention: number;
                parked: number;
                pending: number;
            };
            configured: boolean;
            /** @description While choosing the organisation: what Xero connected. */
            connections: {
                tenantId: string;
                tenantName: string;
                tenantType: string;
            }[];
            dayBlockedUntil: string | null;
            mapping: {
                billsAccountCode: string;
                clearingAccountCode: string;
                feesAccountCode: string;
                salesAccountCode: string;
                taxType: string;
                trackingCategory: string;
            } | null;
            organisation: {
                baseCurrency: string | null;
                name: string | null;
                tenantId: string;
            } | null;
            reauthReason: string | null;
            refreshedAt: string | null;
            /** @enum {string} */
            status: "choose_organisation" | "connected" | "needs_reauth" | "disconnected" | "not_connected";
        };
        XeroMapping: {
            /** @example 320 */
            billsAccountCode: string;
            /** @example 091 */
            clearingAccountCode: string;
            /** @example 405 */
            feesAccountCode: string;
            /** @example 200 */
            salesAccountCode: string;
            /** @example INPUT */
            taxType: string;
            /** @example Brand */
            trackingCategory: string;
        };
        XeroMappingOptions: {
            accounts: {
                accountId: string;
                code: string;
                currency: string | null;
                enablePaymentsToAccount: boolean;
                isBank: boolean;
                name: string;
                status: string;
                systemAccount: string | null;
                taxType: string;
                type: string;
            }[];
            taxRates: {
                name: string;
                ratePercent: number;
                status: string;
                taxType: string;
            }[];
            trackingCategories: {
                categoryId: string;
                name: string;
                options: {
                    name: string;
                    optionId: string;
                    status: string;
                }[];
                status: string;
            }[];
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
