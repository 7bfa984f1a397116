import { Injectable, OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS_KEY } from './roles';

export class UndeclaredRouteError extends Error {}

/** Deny by default: the application refuses to start while any route lacks @Roles, @Operator or @Public. */
@Injectable()
export class RouteAccessCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const missing: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = (prototype as Record<string, unknown>)[name] as object;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (this.reflector.getAllAndOverride(ACCESS_KEY, [handler as () => void, wrapper.metatype]) === undefined) {
          missing.push(`${wrapper.metatype.name}.${name}`);
        }
      }
    }
    if (missing.length > 0) {
      throw new UndeclaredRouteError(`Routes without an access declaration (@Roles/@Operator/@Public): ${missing.join(', ')}`);
    }
  }
}
