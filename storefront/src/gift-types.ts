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

export interface Gift {
  status: "available" | "expired" | "redeemed" | "pushed" | "shipped" | "delivered" | "canceled" | string;
  brand: { name: string; primaryColor: string; accentColor: string; logoUrl?: string | null };
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
  errors?: Array<{ path: string; code: string; message: string }>;
}
