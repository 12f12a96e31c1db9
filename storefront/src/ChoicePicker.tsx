import { useRef, useState, type KeyboardEvent } from "react";
import { findVariant, groupChoices, initialSelection, valueAvailable, type ProductChoice } from "./choices.ts";
import type { Choice } from "./gift-types.ts";

export interface ChoicePickerProps {
  choices: Choice[];
  /** The choice made before (coming back from the address): selected again. */
  initialChoice?: Choice;
  onChoose: (choice: Choice) => void;
}

/** The recipient picks one product (when there are several) and its options. */
export function ChoicePicker({ choices, initialChoice, onChoose }: ChoicePickerProps) {
  const products = groupChoices(choices);
  const again = products.find((p) => p.inStock && p.productId === initialChoice?.productId);
  const [productId, setProductId] = useState(() => (again ?? products.find((p) => p.inStock) ?? products[0])?.productId);
  const product = products.find((p) => p.productId === productId);
  const [selected, setSelected] = useState<Record<string, string>>(() =>
    again && initialChoice ? Object.fromEntries(initialChoice.options.map((o) => [o.name, o.value])) : product ? initialSelection(product) : {},
  );
  const tiles = useRef<Array<HTMLButtonElement | null>>([]);

  if (!product) return <p className="notice">This gift has nothing left to choose from. Please contact the sender.</p>;
  const variant = findVariant(product, selected);
  const soldOut = variant !== undefined && variant.available !== null && variant.available <= 0;

  function pickProduct(p: ProductChoice) {
    if (!p.inStock || p.productId === productId) return;
    setProductId(p.productId);
    setSelected(initialSelection(p));
  }

  /**
   * The radio group's keyboard pattern: one Tab stop (the selected tile), arrow keys move to
   * the next or previous product in stock and select it, Home and End to the first and last.
   */
  function onTileKey(e: KeyboardEvent<HTMLButtonElement>, index: number) {
    const open = products.map((p, i) => (p.inStock ? i : -1)).filter((i) => i >= 0);
    if (open.length === 0) return;
    const at = open.indexOf(index);
    let next: number | undefined;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") next = open[(at + 1) % open.length];
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") next = open[(at - 1 + open.length) % open.length];
    else if (e.key === "Home") next = open[0];
    else if (e.key === "End") next = open[open.length - 1];
    else if (e.key === " ") next = index;
    if (next === undefined) return;
    e.preventDefault();
    pickProduct(products[next]!);
    tiles.current[next]?.focus();
  }

  return (
    <section aria-labelledby="choose-title" className="choose">
      <h2 id="choose-title" tabIndex={-1}>{products.length > 1 ? "Choose your gift" : "Your gift"}</h2>
      {products.length > 1 && (
        <div className="products" role="radiogroup" aria-label="Gifts to choose from">
          {products.map((p, i) => (
            <button
              key={p.productId}
              ref={(el) => {
                tiles.current[i] = el;
              }}
              type="button"
              role="radio"
              aria-checked={p.productId === productId}
              aria-disabled={p.inStock ? undefined : true}
              tabIndex={p.productId === productId ? 0 : -1}
              className="product-tile"
              onClick={() => pickProduct(p)}
              onKeyDown={(e) => onTileKey(e, i)}
            >
              <ProductImage src={p.imageUrl} alt="" />
              <span className="product-title">{p.title}</span>
              {!p.inStock && <span className="badge">Out of stock</span>}
            </button>
          ))}
        </div>
      )}
      <div className="product-detail">
        <ProductImage src={variant?.imageUrl ?? product.imageUrl} alt={product.title} large />
        <div>
          <h3>{product.title}</h3>
          {product.axes.map((axis) => (
            <fieldset key={axis.name} className="axis">
              <legend>{axis.name}</legend>
              <div className="values">
                {axis.values.map((value) => {
                  const inStock = valueAvailable(product, selected, axis.name, value);
                  return (
                    <label key={value} className={`value${selected[axis.name] === value ? " selected" : ""}${inStock ? "" : " unavailable"}`}>
                      <input
                        type="radio"
                        name={axis.name}
                        value={value}
                        checked={selected[axis.name] === value}
                        onChange={() => setSelected({ ...selected, [axis.name]: value })}
                      />
                      {value}
                      {!inStock && <span className="sr-only"> (sold out)</span>}
                    </label>
                  );
                })}
              </div>
            </fieldset>
          ))}
          <p className="stock" aria-live="polite">
            {!variant ? "This combination is not available." : soldOut ? "Sold out. Please pick another option." : variant.available !== null && variant.available <= 5 ? `Only ${variant.available} left` : "In stock"}
          </p>
          <button type="button" className="primary" disabled={!variant || soldOut} onClick={() => variant && onChoose(variant)}>
            Continue to shipping
          </button>
        </div>
      </div>
    </section>
  );
}

export function ProductImage({ src, alt, large = false }: { src: string | null; alt: string; large?: boolean }) {
  const size = large ? 320 : 120;
  const [failed, setFailed] = useState<string | null>(null);
  return src && failed !== src ? (
    <img className={large ? "image large" : "image"} src={src} alt={alt} width={size} height={size} loading={large ? "eager" : "lazy"} onError={() => setFailed(src)} />
  ) : (
    <div className={large ? "image large placeholder" : "image placeholder"} aria-hidden="true" style={{ width: size, height: size }}>
      <svg viewBox="0 0 24 24" width={large ? 72 : 40} height={large ? 72 : 40} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round">
        <rect x="3" y="8" width="18" height="4" rx="1" />
        <path d="M12 8v13M19 12v7a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2v-7M7.5 8a2.5 2.5 0 0 1 0-5C11 3 12 8 12 8s1-5 4.5-5a2.5 2.5 0 0 1 0 5" />
      </svg>
    </div>
  );
}
