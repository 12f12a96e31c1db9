/**
 * Compile-time checks (npm run typecheck) that the sandbox admin's App Bridge stand-in
 * answers with App Bridge's own types: here, because @shopify/app-bridge-types needs the DOM
 * library, which this package has and the sandbox does not. App Bridge types some fields as
 * (unexported) string enums; the JSON it hands an app holds their string values, which is
 * what these compare.
 */
import type { Product, ProductVariant } from "@shopify/app-bridge-types";
import type { PickerProduct, PickerVariant } from "@giftloop/sandbox/admin-frame/picker";

type EnumValues<T, K extends keyof T> = Omit<T, K> & { [P in K]: T[P] extends string ? `${T[P]}` : T[P] };
type AppBridgeVariant = EnumValues<Required<Pick<ProductVariant, "inventoryManagement" | "inventoryPolicy" | "weightUnit">>, "inventoryManagement" | "inventoryPolicy" | "weightUnit"> &
  Omit<Partial<ProductVariant>, "inventoryManagement" | "inventoryPolicy" | "weightUnit">;
type AppBridgeProduct = EnumValues<Omit<Product, "variants">, "status"> & { variants: AppBridgeVariant[] };

type Is<T extends true> = T;
/** `shopify.resourcePicker({ type: "product" })` resolves with these. */
export type SandboxPickerProductIsAppBridgeProduct = Is<PickerProduct extends AppBridgeProduct ? true : false>;
export type SandboxPickerVariantIsAppBridgeVariant = Is<PickerVariant extends AppBridgeVariant ? true : false>;
