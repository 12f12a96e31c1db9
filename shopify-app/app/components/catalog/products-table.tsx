import { useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, IndexTable, Text, Thumbnail } from "@shopify/polaris";
import { ImageIcon } from "@shopify/polaris-icons";
import { Empty } from "../empty.tsx";
import { formatMoney, plural } from "../../lib/format.ts";
import type { CatalogData, CatalogProduct } from "./catalog-data.ts";
import type { BulkGiftable } from "./use-bulk-giftable.ts";

/**
 * One page of the catalog's products, selectable for the giftable bulk actions ("Select all"
 * reaches every product of the filter, beyond this page), with cursor pagination in the URL.
 */
export function ProductsTable(props: { page: CatalogData["page"]; hasPrevious: boolean; filtered: boolean; bulk: BulkGiftable }) {
  const { page, filtered } = props;
  const { selectedResources, allResourcesSelected, handleSelectionChange } = props.bulk.selection;
  const [params, setParams] = useSearchParams();
  return (
    <IndexTable
      resourceName={{ singular: "product", plural: "products" }}
      itemCount={page.items.length}
      hasMoreItems={page.total > page.items.length}
      paginatedSelectAllActionText={`Select all ${page.total.toLocaleString("en")} products${filtered ? " in this filter" : ""}`}
      paginatedSelectAllText={`All ${page.total.toLocaleString("en")} products${filtered ? " in this filter" : ""} are selected`}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[
        { content: "Make giftable", onAction: () => props.bulk.setGiftable(true) },
        { content: "Make not giftable", onAction: () => props.bulk.setGiftable(false) },
      ]}
      headings={[
        { title: "", hidden: true },
        { title: "Product" },
        { title: "Gifting" },
        { title: "Inventory" },
        { title: "Type" },
        { title: "Price", alignment: "end" },
      ]}
      pagination={{
        hasPrevious: props.hasPrevious,
        hasNext: Boolean(page.nextCursor),
        onPrevious: () => {
          const next = new URLSearchParams(params);
          next.delete("after");
          setParams(next);
        },
        onNext: () => {
          const next = new URLSearchParams(params);
          next.set("after", page.nextCursor!);
          setParams(next);
        },
        label: `${page.total.toLocaleString("en")} products`,
      }}
      emptyState={
        <Empty heading="No products match">
          <p>Try another search or remove a filter.</p>
        </Empty>
      }
    >
      {page.items.map((p, i) => (
        <ProductRow key={p.id} product={p} position={i} selected={selectedResources.includes(p.id)} />
      ))}
    </IndexTable>
  );
}

function ProductRow({ product: p, position, selected }: { product: CatalogProduct; position: number; selected: boolean }) {
  return (
    <IndexTable.Row id={p.id} position={position} selected={selected}>
      <IndexTable.Cell>
        <Thumbnail source={p.imageUrl ?? ImageIcon} alt={p.title} size="small" />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <Text as="span" fontWeight="semibold">
            {p.title}
          </Text>
          <Text as="span" tone="subdued" variant="bodySm">
            {[p.brand, p.handle, plural(p.variantCount, "variant")].filter(Boolean).join(" · ")}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{p.giftable ? <Badge tone="success">Giftable</Badge> : <Badge>Not giftable</Badge>}</IndexTable.Cell>
      <IndexTable.Cell>
        {p.inStock ? (
          <Text as="span">{p.stock > 0 ? `${p.stock.toLocaleString("en")} in stock` : "Not tracked"}</Text>
        ) : (
          <Text as="span" tone="critical">
            Out of stock
          </Text>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>{p.productType || "—"}</IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {p.minPrice === null || !p.currency
            ? "—"
            : p.minPrice === p.maxPrice
              ? formatMoney(p.minPrice, p.currency)
              : `${formatMoney(p.minPrice, p.currency)} – ${formatMoney(p.maxPrice ?? p.minPrice, p.currency)}`}
        </Text>
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}
