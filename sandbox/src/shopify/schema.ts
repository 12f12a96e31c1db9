/**
 * The subset of Shopify's Admin GraphQL schema the stand-in serves. Type and field names,
 * nullability and argument names follow the published Admin API (2026-10); anything not
 * listed here is refused by validation, as an unknown field is at Shopify.
 */
export const ADMIN_SDL = /* GraphQL */ `
scalar DateTime
scalar Money
scalar URL
scalar HTML
scalar UnsignedInt64

interface Node {
  id: ID!
}

enum ProductStatus { ACTIVE ARCHIVED DRAFT }
enum ProductSortKeys { ID TITLE UPDATED_AT CREATED_AT PRODUCT_TYPE VENDOR INVENTORY_TOTAL }
enum BulkOperationStatus { CANCELED CANCELING COMPLETED CREATED EXPIRED FAILED RUNNING }
enum BulkOperationType { QUERY MUTATION }
enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
enum BulkOperationUserErrorCode { INVALID OPERATION_IN_PROGRESS }
enum MediaContentType { IMAGE VIDEO MODEL_3D EXTERNAL_VIDEO }
enum WebhookSubscriptionFormat { JSON XML }
enum WebhookSubscriptionTopic {
  APP_UNINSTALLED
  BULK_OPERATIONS_FINISH
  PRODUCTS_CREATE
  PRODUCTS_UPDATE
  PRODUCTS_DELETE
  INVENTORY_LEVELS_UPDATE
  FULFILLMENTS_CREATE
  FULFILLMENTS_UPDATE
  ORDERS_CREATE
  ORDERS_UPDATED
  ORDERS_CANCELLED
  SHOP_UPDATE
}

enum CurrencyCode { USD EUR GBP CAD AUD NZD JPY CHF SEK NOK DKK PLN MXN BRL INR SGD HKD AED }
enum CountryCode { US CA GB IE DE FR ES IT NL BE AT CH DK SE NO FI PL PT AU NZ JP MX BR IN CN HK SG AE QA }
enum OrderDisplayFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum OrderDisplayFulfillmentStatus { FULFILLED IN_PROGRESS ON_HOLD OPEN PARTIALLY_FULFILLED PENDING_FULFILLMENT REQUEST_DECLINED RESTOCKED SCHEDULED UNFULFILLED }
enum OrderCreateFinancialStatus { AUTHORIZED EXPIRED PAID PARTIALLY_PAID PARTIALLY_REFUNDED PENDING REFUNDED VOIDED }
enum OrderCreateInputsInventoryBehavior { BYPASS DECREMENT_IGNORING_POLICY DECREMENT_OBEYING_POLICY }
enum OrderTransactionKind { AUTHORIZATION CAPTURE CHANGE EMV_AUTHORIZATION REFUND SALE SUGGESTED_REFUND VOID }
enum OrderTransactionStatus { AWAITING_RESPONSE ERROR FAILURE PENDING SUCCESS UNKNOWN }
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }
enum FulfillmentStatus { CANCELLED ERROR FAILURE SUCCESS OPEN PENDING }
enum FulfillmentDisplayStatus { ATTEMPTED_DELIVERY CANCELED CONFIRMED DELIVERED FAILURE FULFILLED IN_TRANSIT LABEL_PRINTED LABEL_PURCHASED MARKED_AS_FULFILLED OUT_FOR_DELIVERY PICKED_UP READY_FOR_PICKUP SUBMITTED }
enum OrderCreateUserErrorCode { FULFILLMENT_SERVICE_INVALID INVALID INVENTORY_CLAIM_FAILED PROCESSED_AT_INVALID REDUNDANT_CUSTOMER_FIELDS SHOP_DORMANT TAX_LINE_RATE_MISSING }
enum OrderSortKeys { CREATED_AT ID NUMBER PROCESSED_AT UPDATED_AT }

type PageInfo {
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
  endCursor: String
}

type Domain {
  host: String!
  url: URL!
}

type ShopPlan {
  displayName: String!
  partnerDevelopment: Boolean!
  shopifyPlus: Boolean!
}

type Shop implements Node {
  id: ID!
  name: String!
  email: String!
  contactEmail: String!
  myshopifyDomain: String!
  currencyCode: String!
  ianaTimezone: String!
  primaryDomain: Domain!
  plan: ShopPlan!
}

type ProductOptionValue {
  id: ID!
  name: String!
  hasVariants: Boolean!
}

type ProductOption implements Node {
  id: ID!
  name: String!
  position: Int!
  values: [String!]!
  optionValues: [ProductOptionValue!]!
}

type SelectedOption {
  name: String!
  value: String!
}

input ImageTransformInput {
  maxWidth: Int
  maxHeight: Int
  crop: String
  scale: Int
  preferredContentType: String
}

type Image {
  id: ID
  url(transform: ImageTransformInput): URL!
  altText: String
  width: Int
  height: Int
}

type ImageEdge { cursor: String! node: Image! }
type ImageConnection { edges: [ImageEdge!]! nodes: [Image!]! pageInfo: PageInfo! }

interface Media {
  id: ID!
  alt: String
  mediaContentType: MediaContentType!
}

type MediaImage implements Media & Node {
  id: ID!
  alt: String
  mediaContentType: MediaContentType!
  image: Image
}

type MediaEdge { cursor: String! node: Media! }
type MediaConnection { edges: [MediaEdge!]! nodes: [Media!]! pageInfo: PageInfo! }

type Location implements Node {
  id: ID!
  name: String!
}

type InventoryQuantity {
  name: String!
  quantity: Int!
  updatedAt: DateTime
}

type InventoryLevel implements Node {
  id: ID!
  location: Location!
  quantities(names: [String!]!): [InventoryQuantity!]!
  updatedAt: DateTime!
}

type InventoryLevelEdge { cursor: String! node: InventoryLevel! }
type InventoryLevelConnection { edges: [InventoryLevelEdge!]! nodes: [InventoryLevel!]! pageInfo: PageInfo! }

type InventoryItem implements Node {
  id: ID!
  sku: String
  tracked: Boolean!
  variant: ProductVariant!
  inventoryLevels(first: Int, after: String, last: Int, before: String): InventoryLevelConnection!
}

type ProductVariant implements Node {
  id: ID!
  title: String!
  displayName: String!
  sku: String
  barcode: String
  price: Money!
  compareAtPrice: Money
  position: Int!
  availableForSale: Boolean!
  selectedOptions: [SelectedOption!]!
  inventoryQuantity: Int
  inventoryItem: InventoryItem!
  image: Image
  product: Product!
  createdAt: DateTime!
  updatedAt: DateTime!
}

type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

type Product implements Node {
  id: ID!
  title: String!
  handle: String!
  descriptionHtml: HTML!
  productType: String!
  vendor: String!
  status: ProductStatus!
  tags: [String!]!
  createdAt: DateTime!
  updatedAt: DateTime!
  totalInventory: Int!
  tracksInventory: Boolean!
  options(first: Int): [ProductOption!]!
  variants(first: Int, after: String, last: Int, before: String, reverse: Boolean): ProductVariantConnection!
  variantsCount: Count
  images(first: Int, after: String, last: Int, before: String): ImageConnection!
  media(first: Int, after: String, last: Int, before: String): MediaConnection!
  featuredImage: Image
  featuredMedia: Media
}

type Count { count: Int! precision: String! }

type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }

type BulkOperation implements Node {
  id: ID!
  status: BulkOperationStatus!
  errorCode: BulkOperationErrorCode
  createdAt: DateTime!
  completedAt: DateTime
  objectCount: UnsignedInt64!
  rootObjectCount: UnsignedInt64!
  fileSize: UnsignedInt64
  url: URL
  partialDataUrl: URL
  query: String!
  type: BulkOperationType!
}

type UserError { field: [String!] message: String! }
type BulkOperationUserError { field: [String!] message: String! code: BulkOperationUserErrorCode }

type BulkOperationRunQueryPayload {
  bulkOperation: BulkOperation
  userErrors: [BulkOperationUserError!]!
}

type BulkOperationCancelPayload {
  bulkOperation: BulkOperation
  userErrors: [UserError!]!
}

type WebhookHttpEndpoint { callbackUrl: URL! }
union WebhookSubscriptionEndpoint = WebhookHttpEndpoint

type WebhookSubscription implements Node {
  id: ID!
  topic: WebhookSubscriptionTopic!
  uri: String!
  format: WebhookSubscriptionFormat!
  endpoint: WebhookSubscriptionEndpoint!
  createdAt: DateTime!
}

type WebhookSubscriptionEdge { cursor: String! node: WebhookSubscription! }
type WebhookSubscriptionConnection { edges: [WebhookSubscriptionEdge!]! nodes: [WebhookSubscription!]! pageInfo: PageInfo! }

input WebhookSubscriptionInput {
  uri: String
  callbackUrl: URL
  format: WebhookSubscriptionFormat
  includeFields: [String!]
}

type WebhookSubscriptionCreatePayload {
  webhookSubscription: WebhookSubscription
  userErrors: [UserError!]!
}

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
scalar Decimal

type MailingAddress {
  name: String
  firstName: String
  lastName: String
  company: String
  address1: String
  address2: String
  city: String
  province: String
  provinceCode: String
  zip: String
  country: String
  countryCodeV2: CountryCode
  phone: String
  formatted: [String!]!
}

type Attribute { key: String! value: String }

type LineItem implements Node {
  id: ID!
  title: String!
  variantTitle: String
  sku: String
  quantity: Int!
  originalUnitPriceSet: MoneyBag!
  variant: ProductVariant
}
type LineItemEdge { cursor: String! node: LineItem! }
type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

type FulfillmentTrackingInfo { company: String number: String url: URL }

type Fulfillment implements Node {
  id: ID!
  status: FulfillmentStatus!
  displayStatus: FulfillmentDisplayStatus
  createdAt: DateTime!
  updatedAt: DateTime!
  trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
}

type Order implements Node {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  email: String
  note: String
  tags: [String!]!
  sourceIdentifier: String
  sourceName: String
  customAttributes: [Attribute!]!
  displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  currencyCode: CurrencyCode!
  totalPriceSet: MoneyBag!
  shippingAddress: MailingAddress
  cancelledAt: DateTime
  cancelReason: OrderCancelReason
  test: Boolean!
  createdAt: DateTime!
  updatedAt: DateTime!
  lineItems(first: Int, after: String, last: Int, before: String): LineItemConnection!
  fulfillments(first: Int): [Fulfillment!]!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

input MailingAddressInput {
  address1: String
  address2: String
  city: String
  company: String
  countryCode: CountryCode
  firstName: String
  lastName: String
  phone: String
  provinceCode: String
  zip: String
}
input MoneyInput { amount: Decimal! currencyCode: CurrencyCode! }
input MoneyBagInput { shopMoney: MoneyInput! presentmentMoney: MoneyInput }
input OrderCreateLineItemInput {
  variantId: ID
  quantity: Int!
  title: String
  priceSet: MoneyBagInput
  requiresShipping: Boolean
  sku: String
}
input OrderCreateCustomAttributeInput { key: String! value: String! }
input OrderCreateOrderTransactionInput {
  amountSet: MoneyBagInput!
  gateway: String
  kind: OrderTransactionKind
  status: OrderTransactionStatus
  test: Boolean
  processedAt: DateTime
}
input OrderCreateOrderInput {
  currency: CurrencyCode
  customAttributes: [OrderCreateCustomAttributeInput!]
  email: String
  financialStatus: OrderCreateFinancialStatus
  lineItems: [OrderCreateLineItemInput!]
  note: String
  phone: String
  poNumber: String
  shippingAddress: MailingAddressInput
  billingAddress: MailingAddressInput
  sourceIdentifier: String
  sourceName: String
  tags: [String!]
  test: Boolean
  transactions: [OrderCreateOrderTransactionInput!]
}
input OrderCreateOptionsInput {
  inventoryBehaviour: OrderCreateInputsInventoryBehavior
  sendFulfillmentReceipt: Boolean
  sendReceipt: Boolean
}
type OrderCreateUserError { field: [String!] message: String! code: OrderCreateUserErrorCode }
type OrderCreatePayload { order: Order userErrors: [OrderCreateUserError!]! }

type Query {
  shop: Shop!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  product(id: ID!): Product
  products(first: Int, after: String, last: Int, before: String, query: String, sortKey: ProductSortKeys, reverse: Boolean): ProductConnection!
  productsCount(query: String): Count
  productVariant(id: ID!): ProductVariant
  productVariants(first: Int, after: String, last: Int, before: String, query: String): ProductVariantConnection!
  inventoryItem(id: ID!): InventoryItem
  location(id: ID): Location
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation
  bulkOperation(id: ID!): BulkOperation
  webhookSubscriptions(first: Int, after: String, last: Int, before: String): WebhookSubscriptionConnection!
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, query: String, sortKey: OrderSortKeys, reverse: Boolean): OrderConnection!
}

type Mutation {
  bulkOperationRunQuery(query: String!, groupObjects: Boolean): BulkOperationRunQueryPayload
  bulkOperationCancel(id: ID!): BulkOperationCancelPayload
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  orderCreate(order: OrderCreateOrderInput!, options: OrderCreateOptionsInput): OrderCreatePayload
}
`;
