/**
 * The Admin GraphQL documents of the order push, in one place (API 2026-10).
 *
 * Our identifier on every order we create: the tag `giftloop-unit-<unitId>` (searchable with
 * `orders(query: "tag:...")`) and the same value as the order's `sourceIdentifier`, checked
 * on every hit so that a tag a merchant typed by hand cannot be mistaken for ours.
 */

export const unitTag = (unitId: string) => `giftloop-unit-${unitId}`;
export const unitSourceIdentifier = (unitId: string) => `giftloop-unit-${unitId}`;
export const GIFT_TAG = "giftloop-gift";

export const FIND_UNIT_ORDER = /* GraphQL */ `
  query GiftloopFindUnitOrder($query: String!) {
    orders(first: 5, query: $query) {
      nodes {
        id
        name
        tags
        sourceIdentifier
        cancelledAt
      }
    }
  }
`;

export const CREATE_UNIT_ORDER = /* GraphQL */ `
  mutation GiftloopCreateUnitOrder($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order {
        id
        name
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export interface FoundOrder {
  id: string;
  name: string;
  tags: string[];
  sourceIdentifier: string | null;
  cancelledAt: string | null;
}

export interface FindUnitOrderData {
  orders: { nodes: FoundOrder[] };
}

export interface CreateUnitOrderData {
  orderCreate: {
    order: { id: string; name: string } | null;
    userErrors: Array<{ field: string[] | null; message: string; code: string | null }>;
  } | null;
}
