import type { components } from "./api-schema";

/** The recipient API's shapes (core: GET /v1/redeem/gift), from its OpenAPI document (api-schema.d.ts, generated). */
type Schemas = components["schemas"];

export type Gift = Schemas["Gift"];
export type Choice = Schemas["Choice"];

/** A shipping address as the core stores and shows it. */
export type Address = NonNullable<NonNullable<Gift["redemption"]>["shippingAddress"]>;

/** The address form's values: every field, an empty string where the recipient left it blank. */
export type AddressDraft = Required<Address>;

/** A session for one gift, from its code (core: POST /v1/redeem/session). */
export type RecipientToken = Schemas["RecipientSession"];

type FieldError = Schemas["FieldError"];

/**
 * A problem as the page handles it: the core's RFC 9457 problem body (machine-readable
 * `code`, per-field `errors`), or a failure to reach the core at all (status 0, `network`).
 */
export type Problem = Pick<Schemas["Problem"], "status" | "code" | "detail"> &
  Partial<Pick<Schemas["Problem"], "title">> & {
    errors?: Array<Pick<FieldError, "path" | "code"> & Partial<Pick<FieldError, "message">>>;
    /** Seconds to wait, from the Retry-After header of a 429. */
    retryAfter?: number;
  };
