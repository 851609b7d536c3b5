import { Anchor, type AnchorProps, NavLink, type NavLinkProps } from "@mantine/core";
import { createLink } from "@tanstack/react-router";
import type { ComponentPropsWithRef } from "react";

// Mantine components as router links, so `to`, `params` and `search` stay type-checked.
function AnchorBase(props: AnchorProps & ComponentPropsWithRef<"a">) {
  return <Anchor {...props} />;
}
function NavLinkBase(props: NavLinkProps & Omit<ComponentPropsWithRef<"a">, keyof NavLinkProps>) {
  return <NavLink component="a" {...props} />;
}

export const AnchorLink = createLink(AnchorBase);
export const NavLinkLink = createLink(NavLinkBase);
