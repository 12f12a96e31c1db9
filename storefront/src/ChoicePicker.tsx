import { useState } from "react";
import { findVariant, groupChoices, initialSelection, valueAvailable, type ProductChoice } from "./choices.ts";
import type { Choice } from "./gift-types.ts";

export interface ChoicePickerProps {
  choices: Choice[];
  onChoose: (choice: Choice) => void;
}

/** The recipient picks one product (when there are several) and its options. */
export function ChoicePicker({ choices, onChoose }: ChoicePickerProps) {
  const products = groupChoices(choices);
  const [productId, setProductId] = useState(() => (products.find((p) => p.inStock) ?? products[0])?.productId);
  const product = products.find((p) => p.productId === productId);
  const [selected, setSelected] = useState<Record<string, string>>(() => (product ? initialSelection(product) : {}));

  if (!product) return <p className="notice">This gift has nothing left to choose from. Please contact the sender.</p>;
  const variant = findVariant(product, selected);
  const soldOut = variant !== undefined && variant.available !== null && variant.available <= 0;

  function pickProduct(p: ProductChoice) {
    setProductId(p.productId);
    setSelected(initialSelection(p));
  }

  return (
    <section aria-labelledby="choose-title" className="choose">
      <h2 id="choose-title">{products.length > 1 ? "Choose your gift" : "Your gift"}</h2>
      {products.length > 1 && (
        <div className="products" role="radiogroup" aria-label="Gifts to choose from">
          {products.map((p) => (
            <button
              key={p.productId}
              type="button"
              role="radio"
              aria-checked={p.productId === productId}
              className="product-tile"
              disabled={!p.inStock}
              onClick={() => pickProduct(p)}
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
                      {!inStock && <span className="sr-only"> (out of stock)</span>}
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

function ProductImage({ src, alt, large = false }: { src: string | null; alt: string; large?: boolean }) {
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
