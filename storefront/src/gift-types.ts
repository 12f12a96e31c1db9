/** The recipient API's shapes (core: GET /v1/redeem/gift), as this page reads them. */
export interface Choice {
  variantId: string;
  productId: string;
  productTitle: string;
  variantTitle: string;
  options: Array<{ name: string; value: string }>;
  imageUrl: string | null;
  /** Units available now; null = not tracked (always available). */
  available: number | null;
}

/** A shipping address as the core stores and shows it. */
export interface Address {
  name: string;
  company?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode?: string;
  country: string;
  phone?: string;
}

/** The address form's values: every field, an empty string where the recipient left it blank. */
export interface AddressDraft {
  name: string;
  company: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  phone: string;
}

export interface Gift {
  status: "available" | "expired" | "redeemed" | "pushed" | "shipped" | "delivered" | "canceled" | string;
  /** `logoUrl`: absolute URL of the brand's logo, null when it has none. */
  brand: { name: string; primaryColor: string; accentColor: string; logoUrl: string | null };
  /** The brand's welcome text (plain text, may have line breaks). */
  welcomeText: string | null;
  recipientName: string;
  senderName: string | null;
  message: string | null;
  offerName: string;
  expiresAt: string;
  choices: Choice[];
  shipsTo: string[] | "anywhere";
  redemption: {
    redeemedAt: string;
    choice: Choice | null;
    shippingAddress: Address | null;
    tracking: { carrier: string | null; number: string | null; url: string | null } | null;
  } | null;
}

/** An RFC 9457 problem body from the core (machine-readable `code`, per-field `errors`). */
export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: Array<{ path: string; code: string; message?: string }>;
  /** Seconds to wait, from the Retry-After header of a 429. */
  retryAfter?: number;
}
