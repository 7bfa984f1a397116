import { ArrayMaxSize, IsArray, IsEmail, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

/** Unlike @IsOptional, lets `null` through to the validators (which refuse it): only an absent field is skipped. */
const IfPresent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class UpdateEmailListDto {
  /** New name, unique within the tenant. */
  @IfPresent()
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(200)
  name?: string;

  /** Replaces the members (at most 1000); stored trimmed, lower-cased and without duplicates. */
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsEmail({}, { each: true })
  @MaxLength(320, { each: true })
  emails?: string[];
}
