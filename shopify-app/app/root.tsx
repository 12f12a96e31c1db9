import { Links, Meta, Outlet, Scripts } from "@remix-run/react";

/**
 * No <ScrollRestoration>: it keeps positions in sessionStorage, which browsers that block
 * third-party storage (incognito, strict settings) deny to the app inside the admin iframe,
 * and its error breaks hydration. The admin frame scrolls each page from the top anyway.
 */
export default function App() {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="shopify-debug" content="web-vitals" />
        <link rel="icon" href="data:," />
        <Meta />
        <Links />
      </head>
      <body>
        <Outlet />
        <Scripts />
      </body>
    </html>
  );
}
