import { useNavigate, useSearchParams } from "@remix-run/react";
import { Badge, IndexTable, InlineStack, Text } from "@shopify/polaris";
import { Empty } from "../empty.tsx";
import { UNIT_STATUS_LABELS } from "../unit-status.tsx";
import { formatDate, formatMoney, plural } from "../../lib/format.ts";
import type { OrderRowData, OrdersData } from "./orders-data.ts";

/** One page of the brand's gift orders, each opening its order page, with page numbers in the URL. */
export function OrdersTable({ data }: { data: OrdersData }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  return (
    <IndexTable
      resourceName={{ singular: "order", plural: "orders" }}
      itemCount={data.rows.length}
      selectable={false}
      headings={[
        { title: "Order" },
        { title: "Date" },
        { title: "Buyer" },
        { title: "Gifts" },
        { title: "Status" },
        { title: "Your share", alignment: "end" },
      ]}
      pagination={{
        hasPrevious: data.page > 1,
        hasNext: data.hasNext,
        onPrevious: () => {
          const next = new URLSearchParams(params);
          next.set("page", String(data.page - 1));
          setParams(next);
        },
        onNext: () => {
          const next = new URLSearchParams(params);
          next.set("page", String(data.page + 1));
          setParams(next);
        },
      }}
      emptyState={
        <Empty heading="No orders match">
          <p>Try another search or remove a filter.</p>
        </Empty>
      }
    >
      {data.rows.map((o, i) => (
        <OrderRow key={o.id} order={o} position={i} onOpen={() => navigate(`/app/orders/${o.id}`)} />
      ))}
    </IndexTable>
  );
}

/** An order: its short number, date, buyer (and their reference), gift count, gifts per status and the brand's share. */
function OrderRow({ order: o, position, onOpen }: { order: OrderRowData; position: number; onOpen: () => void }) {
  return (
    <IndexTable.Row id={o.id} position={position} onClick={onOpen}>
      <IndexTable.Cell>
        <Text as="span" variant="bodyMd" fontWeight="semibold">
          #{o.id.slice(0, 8).toUpperCase()}
        </Text>
      </IndexTable.Cell>
      <IndexTable.Cell>{formatDate(o.createdAt)}</IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span">{o.buyerName}</Text>
        {o.buyerReference ? (
          <Text as="span" tone="subdued">
            {" "}
            · {o.buyerReference}
          </Text>
        ) : null}
      </IndexTable.Cell>
      <IndexTable.Cell>{plural(o.units, "gift")}</IndexTable.Cell>
      <IndexTable.Cell>
        <InlineStack gap="100">
          {Object.entries(o.statusCounts).map(([status, n]) => (
            <Badge key={status} tone={UNIT_STATUS_LABELS[status as keyof typeof UNIT_STATUS_LABELS].tone}>
              {`${n} ${UNIT_STATUS_LABELS[status as keyof typeof UNIT_STATUS_LABELS].label.toLowerCase()}`}
            </Badge>
          ))}
        </InlineStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {formatMoney(o.amount, o.currency)}
        </Text>
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}
